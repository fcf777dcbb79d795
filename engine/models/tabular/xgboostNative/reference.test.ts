import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { FitData } from '../../../contracts/component.ts'
import { XGBoostNative, spec } from '../xgboostNative.ts'
import { xgboostUnavailableReason } from './library.ts'

// Against Python XGBoost (Debian python3-xgboost 1.7.4, the same libxgboost0 we load):
// scripts/fixtures/xgboost_native_reference.py fits the stored data with the same parameters and
// seed. Same library, same float32 inputs, same call sequence, so predictions must agree to
// float32 round-off (measured: identical, max |Δ| = 0); early stopping must pick the same round.

const skip = xgboostUnavailableReason()

interface Case {
  params: Record<string, unknown>
  seed: number
  output: 'p_up' | 'E_r'
  weighted?: boolean
  pred: number[]
  best_iteration?: number
  rounds_run?: number
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/xgboost_native_reference.json', import.meta.url), 'utf8')) as {
  xgboost_version: string
  n_train: number
  n_valid: number
  n_test: number
  f: number
  x: number[]
  label: number[]
  ret: number[]
  weight: number[]
  cases: Record<string, Case>
}
const { n_train: nTr, n_valid: nVa, n_test: nTe, f } = fx
const x = Float32Array.from(fx.x)
const rows = (from: number, count: number) => ({ data: x.slice(from * f, (from + count) * f), shape: [count, f] })
const targets = (from: number, count: number) => ({ label: Float64Array.from(fx.label.slice(from, from + count)), ret: Float64Array.from(fx.ret.slice(from, from + count)) })

async function fitCase(c: Case) {
  const m = new XGBoostNative('model', spec, c.params, { seed: c.seed })
  const data: FitData = {
    x: rows(0, nTr),
    y: targets(0, nTr),
    ...(c.weighted ? { weight: Float64Array.from(fx.weight) } : {}),
    ...(c.params.early_stopping_rounds ? { valid: { x: rows(nTr, nVa), y: targets(nTr, nVa) } } : {}),
  }
  const report = await m.fit(data)
  const out = await m.predict(rows(nTr + nVa, nTe))
  return { pred: out[c.output]!, info: report.info }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length)
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]))
  return d
}

for (const name of Object.keys(fx.cases)) {
  test(`matches Python XGBoost ${fx.xgboost_version} on '${name}' (max |Δ| ≤ 1e-6)`, { skip }, async () => {
    const c = fx.cases[name]
    const { pred, info } = await fitCase(c)
    assert.equal(pred.length, nTe)
    const d = maxAbsDiff(pred, c.pred)
    assert.ok(d <= 1e-6, `max |ours − python| = ${d}`)
    if (c.best_iteration !== undefined) {
      const head = info[c.output] as { trees: number; iterations_run: number; stop_reason: string }
      assert.equal(head.trees, c.best_iteration + 1, 'trees kept = python best_iteration + 1')
      assert.equal(head.iterations_run, c.rounds_run, 'rounds run before stopping')
      assert.equal(head.stop_reason, 'early_stopping')
    }
  })
}
