import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Bars } from '../bars.ts'
import { createRng } from '../rng.ts'
import { getFeature, listFeatures } from './featureDefs.ts'
import type { Params } from './featureDefs.ts'
import { FEATURE_SETS, resolveFeatures } from './featureSets.ts'
import { syntheticBars } from './syntheticBars.ts'
import { resolveInstrument } from '../calendar/instruments.ts'

// The leakage battery. It walks the registry (listFeatures) with default parameters and every entry
// of the `full` set, so a newly registered feature is covered without touching this file.

interface Case {
  label: string
  name: string
  params: Params
}

function cases(): Case[] {
  const out: Case[] = []
  for (const info of listFeatures()) {
    out.push({ label: `${info.name} (defaults)`, name: info.name, params: resolveFeatures([info.name])[0].params })
  }
  for (const f of resolveFeatures({ set: 'full' })) out.push({ label: `${f.name} (full: ${f.columns.join(',')})`, name: f.name, params: f.params })
  return out
}

const N = 1200
// A 24×7 session calendar so that the multi-timeframe plug-ins accept the randomly gapped timestamps
// of the perturbed tails (their CME-calendar leakage tests live in mtf.test.ts).
const CTX = { timeZone: 'America/Chicago', calendar: resolveInstrument('BTCUSDT').sessionCalendar, barMs: 60_000 }

/** Copy of `b` with every row after `t` replaced by random (but valid) OHLCV and later timestamps. */
function perturbAfter(b: Bars, t: number, seed: number): Bars {
  const rng = createRng(seed)
  const c = { ...b, ts: b.ts.slice(), open: b.open.slice(), high: b.high.slice(), low: b.low.slice(), close: b.close.slice(), volume: b.volume.slice() }
  let ts = c.ts[t]
  for (let i = t + 1; i < c.length; i++) {
    ts += 60_000 * (1 + rng.int(90)) // gaps, DST crossings, weekends
    const base = rng.next() < 0.05 ? 1 + 9000 * rng.next() : c.close[i - 1] * Math.exp(0.01 * rng.normal())
    const o = base * Math.exp(0.002 * rng.normal())
    const cl = base * Math.exp(0.002 * rng.normal())
    const flat = rng.next() < 0.05
    c.ts[i] = ts
    c.open[i] = o
    c.close[i] = flat ? o : cl
    c.high[i] = flat ? o : Math.max(o, cl) * (1 + 0.003 * rng.next())
    c.low[i] = flat ? o : Math.min(o, cl) * (1 - 0.003 * rng.next())
    c.volume[i] = rng.next() < 0.1 ? 0 : Math.floor(1e5 * rng.next() ** 3)
  }
  return c
}

test('prefix invariance: changing bars after t leaves every column at rows ≤ t bit-identical', () => {
  const bars = syntheticBars(N, 3, Date.UTC(2024, 2, 8, 20, 0)) // spans the US DST change of 2024-03-10
  const all = cases()
  assert.ok(all.length >= 2 * FEATURE_SETS.standard.length, `only ${all.length} cases`)
  for (const k of all) {
    const def = getFeature(k.name, k.label)
    const ref = def.compute(bars, k.params, CTX)
    const names = def.columns(k.params)
    for (const [s, t] of [[1, 0], [2, 1], [3, 59], [4, 240], [5, 599], [6, 1000], [7, N - 2]] as const) {
      const got = def.compute(perturbAfter(bars, t, 1000 * s + k.name.length), k.params, CTX)
      for (let c = 0; c < ref.length; c++) {
        for (let i = 0; i <= t; i++) {
          if (!Object.is(got[c][i], ref[c][i])) {
            assert.fail(`${k.label}: column ${names[c]} row ${i} changed from ${ref[c][i]} to ${got[c][i]} when bars after ${t} changed`)
          }
        }
      }
    }
  }
})

test('every feature returns its declared columns, NaN exactly during its declared warm-up, finite after', () => {
  const bars = syntheticBars(N, 5)
  for (const k of cases()) {
    const def = getFeature(k.name, k.label)
    const names = def.columns(k.params)
    const cols = def.compute(bars, k.params, CTX)
    assert.equal(cols.length, names.length, k.label)
    const w = def.warmup(k.params)
    let firstDefined = Infinity
    for (let c = 0; c < cols.length; c++) {
      assert.ok(cols[c] instanceof Float64Array && cols[c].length === N, `${k.label}: ${names[c]} shape`)
      let lead = 0
      while (lead < N && Number.isNaN(cols[c][lead])) lead++
      assert.ok(lead <= w, `${k.label}: ${names[c]} is NaN for ${lead} rows, more than warm-up ${w}`)
      firstDefined = Math.min(firstDefined, lead)
      for (let i = lead; i < N; i++) assert.ok(Number.isFinite(cols[c][i]), `${k.label}: ${names[c]}[${i}] = ${cols[c][i]}`)
    }
    // the warm-up is the longest column's lead, exactly (a larger declared warm-up wastes rows)
    const longest = Math.max(...cols.map((col) => { let l = 0; while (l < N && Number.isNaN(col[l])) l++; return l }))
    assert.equal(longest, w, `${k.label}: declared warm-up ${w}, longest NaN lead ${longest}`)
    assert.ok(firstDefined <= w)
  }
})

test('compute is deterministic (same input → bit-identical output)', () => {
  const bars = syntheticBars(300, 9)
  for (const k of cases()) {
    const def = getFeature(k.name, k.label)
    const a = def.compute(bars, k.params, CTX)
    const b = def.compute(bars, k.params, CTX)
    for (let c = 0; c < a.length; c++) for (let i = 0; i < a[c].length; i++) assert.ok(Object.is(a[c][i], b[c][i]), `${k.label} col ${c} row ${i}`)
  }
})
