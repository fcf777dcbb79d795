import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import * as m from './index.ts'

const f = (...v: number[]): Float64Array => new Float64Array(v)

function throwsWith(fn: () => unknown, code: string, pattern: RegExp, details?: Record<string, unknown>): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FactoryError, `expected FactoryError, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.match(e.message, pattern)
    if (details) for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`)
    return true
  })
}

test('arrays of different lengths are refused with both names and lengths', () => {
  throwsWith(() => m.rocAuc(f(0.1, 0.2), f(1)), 'E_SHAPE', /rocAuc: y has length 1 but p has length 2/, { path: 'y', value: 1, valid: [2] })
  throwsWith(() => m.intervalCoverage(f(1, 2), f(0, 0), f(3)), 'E_SHAPE', /hi has length 1/)
  throwsWith(() => m.mae(f(1, 2), f(1, 2), { weight: f(1) }), 'E_SHAPE', /weight has length 1 but the inputs have 2 rows/)
  throwsWith(() => m.evaluate({ p_up: f(0.5, 0.5) }, { label: f(1, 0, 1) }), 'E_SHAPE', /label has length 3 but p_up has length 2/)
})

test('labels outside {0, 1} and probabilities outside [0, 1] name the row, the value and the valid choices', () => {
  throwsWith(() => m.rocAuc(f(0.1, 0.2, 0.3, 0.4), f(0, 1, 0, -1)), 'E_PARAM', /y\[3\] = -1; labels must be 0 or 1/, { path: 'y[3]', value: -1, valid: [0, 1] })
  throwsWith(() => m.logLoss(f(0.1, 1.2), f(0, 1)), 'E_PARAM', /logLoss: p\[1\] = 1.2; probabilities must lie in \[0, 1\]/)
  throwsWith(() => m.reliabilityBins(f(-0.1), f(0)), 'E_PARAM', /p\[0\] = -0.1/)
  // AUC ranks scores, so any finite score is fine there
  assert.equal(m.rocAuc(f(-3, 7), f(0, 1)).value, 1)
})

test('±Infinity is an error, not a skipped row', () => {
  throwsWith(() => m.rocAuc(f(0.1, Infinity), f(0, 1)), 'E_NAN_INPUT', /p\[1\] is Infinity; values must be finite/)
  throwsWith(() => m.ic(f(1, 2, 3), f(1, -Infinity, 3)), 'E_NAN_INPUT', /y\[1\] is -Infinity/)
  throwsWith(() => m.pinballLoss(f(1, Infinity), f(1, 2), 0.5), 'E_NAN_INPUT', /y\[1\]/)
})

test('weights must be finite and non-negative (a NaN weight is an error: weights are data, not predictions)', () => {
  throwsWith(() => m.brierScore(f(0.2, 0.8), f(0, 1), { weight: f(1, -1) }), 'E_PARAM', /weight\[1\] = -1; weights must be finite and ≥ 0/)
  throwsWith(() => m.rocAuc(f(0.2, 0.8), f(0, 1), { weight: f(Number.NaN, 1) }), 'E_PARAM', /weight\[0\] = NaN/)
})

test('bad options name the valid choices', () => {
  throwsWith(() => m.ece(f(0.5), f(1), { bins: 0 }), 'E_PARAM', /bins = 0; must be an integer ≥ 1/)
  throwsWith(() => m.ece(f(0.5), f(1), { bins: 2.5 }), 'E_PARAM', /bins = 2.5/)
  throwsWith(() => m.reliabilityBins(f(0.5), f(1), { strategy: 'kmeans' as m.BinStrategy }), 'E_PARAM', /unknown strategy 'kmeans'; known: uniform, quantile/, { valid: ['uniform', 'quantile'] })
  throwsWith(() => m.pinballLoss(f(1), f(1), 1.5), 'E_PARAM', /alpha = 1.5; must lie in \[0, 1\]/)
  throwsWith(() => m.winklerScore(f(1), f(0), f(2), 0), 'E_PARAM', /alpha = 0; must lie in \(0, 1\)/)
  throwsWith(() => m.accuracy(f(0.5), f(1), { threshold: 2 }), 'E_PARAM', /threshold = 2/)
})

test('undefined metrics are NaN with the count used: no rows, one class, constant forecast, zero total weight', () => {
  const empty = new Float64Array(0)
  for (const fn of [m.rocAuc, m.accuracy, m.logLoss, m.brierScore, m.ece, m.mae, m.rmse, m.ic, m.pearson, m.directionalAccuracy]) {
    const r = fn(empty, empty)
    assert.ok(Number.isNaN(r.value) && r.n === 0, `${fn.name} on no rows`)
  }
  const allNaN = f(Number.NaN, Number.NaN)
  assert.deepEqual(m.reliabilityBins(allNaN, f(0, 1)), { bins: [], n: 0 })
  const one = m.rocAuc(f(0.2, 0.9, 0.4), f(1, 1, 1))
  assert.ok(Number.isNaN(one.value) && one.n === 3)
  assert.ok(Number.isNaN(m.rocAuc(f(0.2, 0.9), f(0, 1), { weight: f(1, 0) }).value), 'positive class has zero weight')
  assert.ok(Number.isFinite(m.logLoss(f(0.2, 0.9), f(1, 1)).value), 'log loss is defined on one class')
  assert.ok(Number.isNaN(m.ic(f(1, 1, 1), f(1, 2, 3)).value))
  assert.ok(Number.isNaN(m.pearson(f(1), f(2)).value))
  assert.ok(Number.isNaN(m.mae(f(1, 2), f(1, 2), { weight: f(0, 0) }).value))
})

test('accuracy thresholds at p > 0.5 (0.5 itself predicts 0); directional accuracy leaves zero moves out', () => {
  assert.equal(m.accuracy(f(0.5, 0.5000001, 0.2), f(0, 1, 1)).value, 2 / 3)
  const d = m.directionalAccuracy(f(1, -1, 0, 2, 3), f(2, -3, 5, 0, -1))
  assert.deepEqual(d, { value: 2 / 3, n: 3 })
  assert.deepEqual(m.directionalAccuracy(f(1, -1), f(2, 3), { weight: f(3, 1) }), { value: 0.75, n: 2 })
})

test('interval metrics: closed bounds cover, crossed intervals never cover and keep their negative width', () => {
  const y = f(0, 1, 2, 5)
  const lo = f(0, 0, 3, 1)
  const hi = f(1, 1, 1, 4)
  assert.deepEqual(m.intervalCoverage(y, lo, hi), { value: 0.5, n: 4 })
  assert.deepEqual(m.meanWidth(y, lo, hi), { value: (1 + 1 - 2 + 3) / 4, n: 4 })
  // row 2 is crossed (lo 3 > hi 1) with y = 2 between: width −2 plus both penalties (3−2)·20 and (2−1)·20
  assert.equal(m.winklerScore(f(2), f(3), f(1), 0.1).value, -2 + 20 + 20)
})

test('evaluate() reports only what its inputs allow, skipping NaN rows per metric', () => {
  const p = f(0.9, 0.2, 0.7, Number.NaN, 0.4)
  const label = f(1, 0, 0, 1, 1)
  const onlyCls = m.evaluate({ p_up: p }, { label, ret: f(1, 2, 3, 4, 5) })
  assert.deepEqual(Object.keys(onlyCls).sort(), ['accuracy', 'auc', 'brier', 'ece', 'ece_quantile', 'log_loss', 'n', 'n_label'])
  assert.equal(onlyCls.n, 5)
  assert.equal(onlyCls.n_label, 4)
  assert.equal(onlyCls.auc, m.rocAuc(p, label).value)
  const q = m.evaluate({ q05: f(-1, Number.NaN, -1), q95: f(1, 1, 1) }, { ret: f(0, 0, 2) })
  const { pinball_q95, ...rest } = q
  // q05 has a NaN row (2 rows used); q95 has none (3 rows): each metric skips only its own NaNs
  assert.ok(Math.abs((pinball_q95 as number) - (0.05 + 0.05 + 0.95) / 3) < 1e-15)
  assert.deepEqual(rest, { n: 3, pinball_q05: (0.05 * 1 + 0.05 * 3) / 2, n_interval: 2, coverage_90: 0.5, width_90: 2, winkler_90: (2 + (2 + 20 * 1)) / 2 })
  assert.deepEqual(m.evaluate({}, {}), { n: 0 })
  for (const k of Object.keys(m.evaluate({ p_up: p, E_r: p, q05: p, q50: p, q95: p }, { label, ret: label }))) {
    assert.ok((m.EVALUATE_METRIC_NAMES as readonly string[]).includes(k), `${k} is a declared metric name`)
  }
})
