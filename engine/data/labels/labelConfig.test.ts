import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { INSTRUMENTS } from '../calendar/instruments.ts'
import { validateLabelConfig, LABEL_OPTIMISE_DEFAULTS } from './labelConfig.ts'

const ES = INSTRUMENTS.ES
const MES = INSTRUMENTS.MES

function throwsAt(fn: () => unknown, path: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FactoryError, String(e))
    assert.equal(e.code, 'E_PARAM')
    assert.equal(e.details.path, path)
    assert.match(e.message, re)
    return true
  })
}

test('defaults, with cost_ticks taken from the instrument', () => {
  const c = validateLabelConfig(undefined, 'labels', MES)
  assert.deepEqual({ ...c, optimise: undefined }, { k_up: 2, k_down: 2, horizon: 60, atr_period: 14, timeout_label: 'zero', cost_ticks: 2, optimise: undefined })
  assert.deepEqual(c.optimise, LABEL_OPTIMISE_DEFAULTS)
  assert.equal(validateLabelConfig({}, 'labels', ES).cost_ticks, 1)
  assert.equal(validateLabelConfig({ cost_ticks: 0 }, 'labels', ES).cost_ticks, 0)
})

test('given values are kept', () => {
  const c = validateLabelConfig({ k_up: 1.5, k_down: 3, horizon: 240, atr_period: 20, timeout_label: 'sign', cost_ticks: 3, optimise: { enabled: true, population: 10, bounds: { horizon: [5, 30] } } })
  assert.equal(c.k_up, 1.5)
  assert.equal(c.timeout_label, 'sign')
  assert.equal(c.cost_ticks, 3)
  assert.equal(c.optimise.enabled, true)
  assert.equal(c.optimise.population, 10)
  assert.deepEqual(c.optimise.bounds, { k_up: [0.5, 4], k_down: [0.5, 4], horizon: [5, 30] })
  // defaults are not shared mutable state
  assert.deepEqual(LABEL_OPTIMISE_DEFAULTS.bounds.horizon, [10, 240])
})

test('bad values name labels.<field>, the value and the valid range', () => {
  throwsAt(() => validateLabelConfig({ k_up: -1 }, 'labels', ES), 'labels.k_up', /labels\.k_up must be a number with 0 < value ≤ 50; got -1/)
  throwsAt(() => validateLabelConfig({ horizon: 2.5 }, 'labels', ES), 'labels.horizon', /an integer in 1\.\.100000; got 2\.5/)
  throwsAt(() => validateLabelConfig({ atr_period: 0 }, 'labels', ES), 'labels.atr_period', /got 0/)
  throwsAt(() => validateLabelConfig({ timeout_label: 'drop' }, 'labels', ES), 'labels.timeout_label', /one of zero, sign; got "drop"/)
  throwsAt(() => validateLabelConfig({ cost_ticks: '2' }, 'labels', ES), 'labels.cost_ticks', /got "2"/)
  throwsAt(() => validateLabelConfig({ kup: 2 }, 'labels', ES), 'labels.kup', /unknown label option 'kup'; known: k_up, k_down/)
  throwsAt(() => validateLabelConfig([], 'labels', ES), 'labels', /must be a mapping/)
  throwsAt(() => validateLabelConfig({}), 'labels.cost_ticks', /required when no instrument/)
  assert.throws(() => validateLabelConfig({ k_down: 99 }, 'labels', ES), (e: unknown) => e instanceof FactoryError && e.details.value === 99 && JSON.stringify(e.details.valid) === '["(0, 50]"]')
})

test('optimiser block: bounds pairs, rates and population constraints', () => {
  throwsAt(() => validateLabelConfig({ optimise: { bounds: { horizon: [50, 10] } } }, 'labels', ES), 'labels.optimise.bounds.horizon', /lo ≤ hi; got \[50,10\]/)
  throwsAt(() => validateLabelConfig({ optimise: { bounds: { k_up: 2 } } }, 'labels', ES), 'labels.optimise.bounds.k_up', /pair \[lo, hi\]/)
  throwsAt(() => validateLabelConfig({ optimise: { bounds: { k_up: [0, 2] } } }, 'labels', ES), 'labels.optimise.bounds.k_up[0]', /got 0/)
  throwsAt(() => validateLabelConfig({ optimise: { bounds: { atr: [1, 2] } } }, 'labels', ES), 'labels.optimise.bounds.atr', /known: k_up, k_down, horizon/)
  throwsAt(() => validateLabelConfig({ optimise: { mutation_rate: 1.5 } }, 'labels', ES), 'labels.optimise.mutation_rate', /in 0\.\.1; got 1\.5/)
  throwsAt(() => validateLabelConfig({ optimise: { population: 6, elitism: 6 } }, 'labels', ES), 'labels.optimise.elitism', /< population \(6\)/)
  throwsAt(() => validateLabelConfig({ optimise: { population: 6, tournament_size: 7 } }, 'labels', ES), 'labels.optimise.tournament_size', /≤ population/)
  throwsAt(() => validateLabelConfig({ optimise: { enable: true } }, 'labels', ES), 'labels.optimise.enable', /unknown label option 'enable'/)
})
