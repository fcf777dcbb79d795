import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { allocBars, type Bars } from '../bars.ts'
import { createRng } from '../rng.ts'
import { CHECK_NAMES } from './findings.ts'
import { resolvePolicies } from './policy.ts'
import { summarizeReport } from './summarize.ts'
import { validateBars } from './validateBars.ts'

const T0 = Date.UTC(2024, 0, 9, 0, 0) // Mon 18:00 CT: ES in session for the next 1,320 minutes
const M = 60_000

function make(n: number, f?: (i: number, b: ReturnType<typeof allocBars>) => void): Bars {
  const b = allocBars(n, true)
  for (let i = 0; i < n; i++) {
    b.ts[i] = T0 + i * M
    b.open[i] = 4800 + i * 0.25
    b.high[i] = b.open[i] + 1
    b.low[i] = b.open[i] - 1
    b.close[i] = b.open[i] + 0.5
    b.volume[i] = 100
    b.line![i] = i + 2
  }
  f?.(0, b)
  return { ...b, source: 'mem.csv' }
}

const ES = { instrument: 'ES', barSize: '1m' } as const
const BTC = { instrument: 'BTCUSDT', barSize: '1m' } as const

test('clean bars pass with every check at raise and come back unchanged', () => {
  const b = make(500)
  const { bars, report } = validateBars(b, ES)
  assert.equal(bars.length, 500)
  assert.deepEqual(report.raised, [])
  for (const n of CHECK_NAMES) assert.equal(report.checks[n].count, 0, n)
  assert.match(summarizeReport(report), /all checks passed/)
})

test('raise lists every raising check with its count and first example, and carries the report', () => {
  const b = make(50, (_, x) => {
    x.high[3] = x.low[3] - 1 // line 5
    x.high[7] = x.low[7] - 2
    x.volume[10] = 0 // line 12
  })
  assert.throws(() => validateBars(b, ES), (e: unknown) => {
    assert.ok(e instanceof FactoryError)
    assert.equal(e.code, 'E_VALIDATION')
    assert.match(e.message, /high_below_low: 2 rows; first: mem\.csv:5 column 'high' value '4799\.75' is below low 4799\.75|high_below_low: 2 rows; first: mem\.csv:5 column 'high'/)
    assert.match(e.message, /zero_volume: 1 row; first: mem\.csv:12 column 'volume' value '0'/)
    assert.equal(e.details.line, 5)
    const r = e.details.report as { checks: Record<string, { count: number }> }
    assert.equal(r.checks.high_below_low.count, 2)
    return true
  })
})

test('warn keeps rows and records; drop removes exactly the offending rows', () => {
  const b = make(40, (_, x) => {
    x.volume[5] = 0
    x.volume[9] = 0
    x.open[20] = NaN
  })
  const w = validateBars(b, { ...ES, policy: { default: 'warn' } })
  assert.equal(w.bars.length, 40)
  assert.equal(w.report.checks.zero_volume.count, 2)
  assert.equal(w.report.checks.nan_or_empty.count, 1)
  assert.equal(w.report.checks.nan_or_empty.examples[0].column, 'open')
  const d = validateBars(b, { ...ES, policy: { checks: { zero_volume: 'drop', nan_or_empty: 'drop', gaps: 'warn' } } })
  assert.equal(d.bars.length, 37)
  assert.equal(d.report.checks.zero_volume.dropped, 2)
  assert.deepEqual(Array.from(d.bars.line!.subarray(4, 8)), [6, 8, 9, 10]) // line 7 (index 5) gone
  assert.ok(!Array.from(d.bars.close).some(Number.isNaN))
})

test('examples are capped but every finding is counted', () => {
  const b = make(1000, (_, x) => x.volume.fill(0))
  const { report } = validateBars(b, { ...ES, policy: { checks: { zero_volume: 'warn' } }, maxExamples: 5 })
  assert.equal(report.checks.zero_volume.count, 1000)
  assert.equal(report.checks.zero_volume.examples.length, 5)
})

test('unsorted: warn returns time order, drop removes the late-arriving rows; duplicates drop keeps the first', () => {
  const b = make(6, (_, x) => {
    ;[x.ts[2], x.ts[3]] = [x.ts[3], x.ts[2]]
  })
  const w = validateBars(b, { ...ES, policy: { checks: { unsorted: 'warn' } } })
  assert.equal(w.report.checks.unsorted.count, 1)
  assert.deepEqual(Array.from(w.bars.ts), Array.from({ length: 6 }, (_, i) => T0 + i * M))
  assert.deepEqual(Array.from(w.bars.line!), [2, 3, 5, 4, 6, 7])
  const d = validateBars(b, { ...ES, policy: { checks: { unsorted: 'drop', gaps: 'warn' } } })
  assert.equal(d.bars.length, 5)
  // the dropped row leaves an in-session hole, which the gaps check then reports
  assert.equal(d.report.checks.gaps.count, 1)
  assert.equal(d.report.gaps.missingBars, 1)
  const dup = make(5, (_, x) => (x.ts[3] = x.ts[2]))
  const dd = validateBars(dup, { ...ES, policy: { checks: { duplicate_timestamp: 'drop', gaps: 'warn' } } })
  assert.deepEqual(Array.from(dd.bars.line!), [2, 3, 4, 6])
  assert.equal(dd.report.checks.duplicate_timestamp.examples[0].line, 5)
})

test('gaps follow the session calendar: the daily break and the weekend are not gaps', () => {
  // Fri 2024-01-12 20:58Z..20:59Z (14:58 CT), then Sun 23:00Z (17:00 CT open) … no in-session bar missing
  const ts = [Date.UTC(2024, 0, 12, 20, 58), Date.UTC(2024, 0, 12, 20, 59), Date.UTC(2024, 0, 12, 21, 59), Date.UTC(2024, 0, 14, 23, 0), Date.UTC(2024, 0, 14, 23, 1), Date.UTC(2024, 0, 14, 23, 5)]
  const b = make(ts.length, (_, x) => x.ts.set(ts))
  const { report } = validateBars(b, { ...ES, policy: { checks: { gaps: 'warn' } } })
  // 21:00..21:58Z Friday is in session (15:00–15:58 CT): 59 missing; Sun 23:02..23:04: 3 missing
  assert.equal(report.gaps.gaps, 2)
  assert.equal(report.gaps.missingBars, 62)
  assert.equal(report.checks.gaps.examples[1].line, 7)
})

test("config errors name validation.checks.<name>, the bad value and the choices; 'drop' is refused for gaps", () => {
  const cases: [unknown, RegExp][] = [
    [{ checks: { gapz: 'warn' } }, /unknown check 'gapz' at validation\.checks\.gapz; known: unparseable, .*gaps/],
    [{ checks: { zero_volume: 'ignore' } }, /invalid policy "ignore" at validation\.checks\.zero_volume; valid: raise, warn, drop/],
    [{ checks: { gaps: 'drop' } }, /validation\.checks\.gaps.*no rows to drop.*valid: raise, warn/],
    [{ default: 'skip' }, /validation\.default; valid: raise, warn, drop/],
    [{ chekcs: {} }, /unknown key 'chekcs' at validation\.chekcs/],
  ]
  for (const [cfg, re] of cases) {
    assert.throws(() => resolvePolicies(cfg as never), (e: unknown) => e instanceof FactoryError && e.code === 'E_CONFIG' && re.test(e.message))
  }
  assert.equal(resolvePolicies(undefined).gaps, 'raise')
  assert.equal(resolvePolicies({ default: 'drop' }).gaps, 'raise')
  assert.equal(resolvePolicies({ default: 'drop' }).zero_volume, 'drop')
})

function walk(n: number, seed: number): Bars {
  const rng = createRng(seed)
  return make(n, (_, x) => {
    let p = 4800
    for (let i = 0; i < n; i++) {
      const o = p
      p = Math.max(1, Math.round((p + rng.normal()) * 4) / 4)
      x.open[i] = o
      x.close[i] = p
      x.high[i] = Math.max(o, p) + 0.25
      x.low[i] = Math.min(o, p) - 0.25
    }
  })
}

test('outsized_jump flags a spike, and drop removes only the spike bar', () => {
  const b = walk(3000, 11)
  b.high[2000] = b.close[1999] * 1.05 // a bad tick in the high only
  b.close[2500] = b.close[2499] * 0.9
  b.low[2500] = b.close[2500]
  b.open[2500] = b.close[2499]
  const w = validateBars(b, { ...BTC, policy: { checks: { outsized_jump: 'warn' } } })
  assert.deepEqual(w.report.checks.outsized_jump.examples.map((f) => [f.line, f.column]), [[2002, 'high'], [2502, 'close'], [2503, 'high']])
  // the bar after the crash jumps back: with the crash dropped it is measured from the pre-crash close
  const d = validateBars(b, { ...BTC, policy: { checks: { outsized_jump: 'drop' } } })
  assert.equal(d.report.checks.outsized_jump.count, 2)
  assert.equal(d.bars.length, 2998)
})

test('outsized_jump is causal: later bars never change a flag at or before t', () => {
  const b = walk(4000, 5)
  b.close[1500] *= 1.04
  b.high[1500] = b.close[1500]
  const full = validateBars(b, { ...BTC, policy: { checks: { outsized_jump: 'warn' } } }).report.checks.outsized_jump.examples.map((f) => f.line)
  const c = walk(4000, 5)
  c.close[1500] = b.close[1500]
  c.high[1500] = b.high[1500]
  for (let i = 1700; i < 4000; i++) c.close[i] = c.high[i] = c.low[i] = c.open[i] = 10 + (i % 7) // wild future
  const cut = validateBars(c, { ...BTC, policy: { default: 'warn' } }).report.checks.outsized_jump.examples.map((f) => f.line).filter((l) => l < 1702)
  assert.deepEqual(cut, full.filter((l) => l < 1702))
  assert.ok(full.includes(1502))
})

test('bar size is inferred from the spacing when not given, and unknown instruments are refused', () => {
  const b = make(100, (_, x) => {
    for (let i = 0; i < 100; i++) x.ts[i] = T0 + i * 5 * M
  })
  const { report } = validateBars(b, { instrument: 'ES' })
  assert.equal(report.barMs, 5 * M)
  assert.equal(report.barSizeInferred, true)
  assert.throws(() => validateBars(b, { instrument: 'ZZ' }), /unknown instrument 'ZZ'/)
})

test('everything dropped is E_EMPTY_DATA, not an empty success', () => {
  const b = make(10, (_, x) => x.volume.fill(0))
  assert.throws(() => validateBars(b, { ...ES, policy: { checks: { zero_volume: 'drop' } } }), (e: unknown) => e instanceof FactoryError && e.code === 'E_EMPTY_DATA')
})

test('summarizeReport shows policy, counts, examples and gap totals', () => {
  const b = make(30, (_, x) => {
    x.volume[4] = 0
    for (let i = 20; i < 30; i++) x.ts[i] += 3 * M
  })
  const { report } = validateBars(b, { ...ES, policy: { default: 'warn' } })
  const s = summarizeReport(report)
  assert.match(s, /warn {2}zero_volume: 1 row/)
  assert.match(s, /mem\.csv:6 column 'volume'/)
  assert.match(s, /gaps: 1 gap, 3 missing bars/)
})
