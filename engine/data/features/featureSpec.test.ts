import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { computeFeatures } from './computeFeatures.ts'
import { featureNames, listFeatures } from './featureDefs.ts'
import { FEATURE_SETS, featureSetNames, resolveFeatures } from './featureSets.ts'
import { syntheticBars } from './syntheticBars.ts'

function throwsFactory(fn: () => unknown, code: string, path: string, check: (e: FactoryError) => void = () => {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FactoryError, String(e))
    assert.equal(e.code, code, e.message)
    assert.equal(e.details.path, path, e.message)
    assert.ok(e.message.startsWith(path), `message should start with the path: ${e.message}`)
    check(e)
    return true
  })
}

test('column names are deterministic and carry the parameters', () => {
  const cols = resolveFeatures([
    { name: 'logret', lags: [5] },
    { name: 'rv', windows: 30 },
    'rsi',
    { name: 'macd' },
    { name: 'bollinger', k: 2.5 },
  ]).flatMap((f) => f.columns)
  assert.deepEqual(cols, ['logret_5', 'rv_30', 'rsi_14', 'macd_12_26_9', 'macd_12_26_9_signal', 'macd_12_26_9_hist', 'bb_pctb_20_2p5'])
})

test('sets: minimal ⊂ standard ⊂ full columns; standard covers every built-in feature', () => {
  const cols = (set: string) => resolveFeatures(set).flatMap((f) => f.columns)
  const minimal = cols('minimal'), standard = cols('standard'), full = cols('full')
  assert.deepEqual(minimal, ['logret_1', 'logret_5', 'logret_15', 'logret_60', 'rv_30', 'natr_14'])
  for (const c of minimal) assert.ok(standard.includes(c), c)
  for (const c of standard) assert.ok(full.includes(c), c)
  assert.ok(full.length > standard.length + 20)
  const inStandard = new Set(FEATURE_SETS.standard.map((e) => e.name))
  for (const n of featureNames().filter((x) => !x.startsWith('mtf'))) assert.ok(inStandard.has(n), `standard lacks ${n}`)
})

test('set with include, exclude and params', () => {
  const fs = resolveFeatures({ set: 'minimal', exclude: ['natr'], include: ['rsi', { name: 'atr', period: 20 }], params: { rsi: { period: 21 }, rv: { windows: [10, 20] } } })
  assert.deepEqual(fs.flatMap((f) => f.columns), ['logret_1', 'logret_5', 'logret_15', 'logret_60', 'rv_10', 'rv_20', 'rsi_21', 'atr_20'])
  assert.equal(fs.find((f) => f.name === 'rsi')?.path, 'features.params.rsi')
})

test('computeFeatures returns names, columns and the max warm-up', () => {
  const bars = syntheticBars(500, 2)
  const out = computeFeatures(bars, { set: 'standard' }, { timeZone: 'America/New_York' })
  assert.equal(out.names.length, out.columns.length)
  assert.equal(new Set(out.names).size, out.names.length)
  assert.equal(out.warmup, 120) // rv_120 is the longest
  assert.equal(out.warmup, Math.max(...out.features.map((f) => f.warmup)))
  for (const c of out.columns) for (let i = out.warmup; i < 500; i++) assert.ok(Number.isFinite(c[i]))
  const empty = computeFeatures(syntheticBars(0), 'standard')
  assert.ok(empty.columns.every((c) => c.length === 0))
})

test('unknown feature or set names the path, the bad value and the known names', () => {
  throwsFactory(() => resolveFeatures({ set: 'huge' }), 'E_FEATURE', 'features.set', (e) => {
    assert.equal(e.details.value, 'huge')
    assert.deepEqual(e.details.valid, featureSetNames())
    assert.match(e.message, /unknown feature set 'huge'; known: minimal, standard, full/)
  })
  throwsFactory(() => resolveFeatures('huge'), 'E_FEATURE', 'features')
  throwsFactory(() => resolveFeatures(['rsi', 'logret', 'rv', { name: 'stochastic', period: 3 }]), 'E_FEATURE', 'features[3].name', (e) => {
    assert.equal(e.details.value, 'stochastic')
    assert.deepEqual(e.details.valid, featureNames())
    assert.match(e.message, /unknown feature 'stochastic'; known: ret, logret, /)
  })
  throwsFactory(() => resolveFeatures({ set: 'standard', exclude: ['rsi', 'rsii'] }), 'E_FEATURE', 'features.exclude[1]')
  throwsFactory(() => resolveFeatures({ set: 'standard', include: ['macdd'] }), 'E_FEATURE', 'features.include[0]')
  throwsFactory(() => resolveFeatures({ set: 'minimal', params: { rsi: { period: 9 } } }), 'E_FEATURE', 'features.params.rsi', (e) => {
    assert.deepEqual(e.details.valid, ['logret', 'rv', 'natr'])
  })
  throwsFactory(() => resolveFeatures({ set: 'minimal', sets: 'x' }), 'E_CONFIG', 'features.sets')
  throwsFactory(() => resolveFeatures(42), 'E_CONFIG', 'features')
  throwsFactory(() => resolveFeatures(['rsi', { name: 'rsi', period: 14 }]), 'E_FEATURE', 'features[1]', (e) => assert.match(e.message, /'rsi_14' is already produced by features\[0\]/))
})

test('bad parameters name the path, the value and the valid range', () => {
  throwsFactory(() => resolveFeatures([{ name: 'rsi', period: 1 }]), 'E_PARAM', 'features[0].period', (e) => {
    assert.equal(e.details.value, 1)
    assert.deepEqual(e.details.valid, [2, 10_000])
    assert.match(e.message, /1 is not valid; expected an integer in \[2, 10000\]/)
  })
  throwsFactory(() => resolveFeatures([{ name: 'rsi', period: 14.5 }]), 'E_PARAM', 'features[0].period')
  throwsFactory(() => resolveFeatures([{ name: 'rsi', period: '14' }]), 'E_PARAM', 'features[0].period')
  throwsFactory(() => resolveFeatures([{ name: 'rsi', periods: 14 }]), 'E_PARAM', 'features[0].periods', (e) => {
    assert.deepEqual(e.details.valid, ['period'])
  })
  throwsFactory(() => resolveFeatures([{ name: 'logret', lags: [1, 0] }]), 'E_PARAM', 'features[0].lags[1]')
  throwsFactory(() => resolveFeatures([{ name: 'logret', lags: [5, 5] }]), 'E_PARAM', 'features[0].lags[1]', (e) => assert.match(e.message, /appears twice/))
  throwsFactory(() => resolveFeatures([{ name: 'logret', lags: [] }]), 'E_PARAM', 'features[0].lags')
  throwsFactory(() => resolveFeatures([{ name: 'macd', fast: 30 }]), 'E_PARAM', 'features[0].fast', (e) => assert.deepEqual(e.details.valid, [1, 25]))
  throwsFactory(() => resolveFeatures({ set: 'standard', params: { bollinger: { k: 0 } } }), 'E_PARAM', 'features.params.bollinger.k')
  throwsFactory(() => resolveFeatures([{ name: 'candle', window: 3 }]), 'E_PARAM', 'features[0].window', (e) => assert.match(e.message, /takes no parameters/))
  assert.throws(() => computeFeatures(syntheticBars(10), 'minimal', { timeZone: 'Mars/Olympus' }), (e: unknown) => e instanceof FactoryError && e.code === 'E_TZ_UNKNOWN')
})

test('listFeatures describes every feature as plain JSON', () => {
  const list = listFeatures()
  assert.deepEqual(list.map((f) => f.name), featureNames())
  const rsi = list.find((f) => f.name === 'rsi')
  assert.deepEqual(rsi?.params, [{ name: 'period', kind: 'int', default: 14, description: 'smoothing period in bars', min: 2, max: 10_000 }])
  assert.deepEqual(rsi?.columns, ['rsi_14'])
  assert.equal(rsi?.warmup, 14)
  assert.deepEqual(JSON.parse(JSON.stringify(list)), list)
  for (const f of list) assert.ok(f.description.length > 5 && f.columns.length > 0, f.name)
})
