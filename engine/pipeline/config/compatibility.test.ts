import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import type { ModelSpec } from '../../contracts/specs.ts'
import { registryCatalog } from './catalog.ts'
import { compatibilityIssues } from './compatibility.ts'
import { formatPath } from './issues.ts'
import { schemaIssues } from './schema.ts'
import type { ConfigIssue } from './types.ts'
import { ensureBaselineModels, registerTestComponents } from './testing/standIns.ts'

before(async () => {
  await ensureBaselineModels()
  registerTestComponents()
})

const data = { file: 'x.csv', instrument: 'ES' }
const tab = { name: 'lightgbm' }
const win = { name: 'test_window' }
const quant = { name: 'test_quantile' }

function compat(raw: Record<string, unknown>, catalog = registryCatalog()): Map<string, ConfigIssue> {
  const s = schemaIssues({ data, ...raw }, { catalog })
  assert.deepEqual(s.issues.map((i) => `${formatPath(i.path)}: ${i.message}`), [], 'the test config must pass the schema')
  const out = compatibilityIssues(s.config!, catalog)
  for (const i of out) assert.equal(i.stage, 'compatibility')
  return new Map(out.map((i) => [formatPath(i.path), i]))
}
const paths = (m: Map<string, ConfigIssue>) => [...m.keys()].sort()

test('a pipeline whose parts fit passes (positive control for every check below)', () => {
  const m = compat({
    base_models: [quant, { ...win, lookback: 32, use_regime: true }, tab],
    ensemble: { name: 'test_stack', meta_learner: { name: 'logistic' }, gating: { name: 'test_gate' }, use_regime: true },
    inference: { calibrate: [{ name: 'test_platt' }, { name: 'test_platt' }], uncertainty: { name: 'test_cqr', coverage: 0.9 } },
    policy: { name: 'test_sizer' },
    labels: { horizon: 1500 },
  })
  assert.deepEqual(paths(m), [])
})

test('duplicate base model ids are refused at the second one', () => {
  const m = compat({ base_models: [{ ...tab, id: 'a' }, { name: 'logistic', id: 'a' }] })
  assert.deepEqual(paths(m), ['base_models[1].id'])
  assert.match(m.get('base_models[1].id')!.message, /duplicate id 'a' \(also base_models\[0\]\)/)
})

test('window models need a lookback from the config or the spec; tabular models take none', () => {
  // A registered window model always declares needs.lookback (specs.ts refuses it otherwise), so the
  // missing case is shown with a catalog holding a spec without one.
  const bare: ModelSpec = { name: 'bare_window', description: 'x', family: 'sequence', inputView: 'window_tensor', outputs: ['p_up'], needs: { normalization: 'scaled' }, isCausal: true, zeroShot: false, defaults: {} }
  const base = registryCatalog()
  const catalog = { ...base, models: [...base.models, bare] }
  const m = compat({ base_models: [tab, { name: 'bare_window' }] }, catalog)
  assert.deepEqual(paths(m), ['base_models[1].lookback'])
  assert.match(m.get('base_models[1].lookback')!.message, /base_models\[1\] \(bare_window\) reads the window_tensor view and needs a lookback/)
  assert.deepEqual(paths(compat({ base_models: [tab, { name: 'bare_window', lookback: 64 }] }, catalog)), [])
  assert.deepEqual(paths(compat({ base_models: [win] })), [], "the spec's needs.lookback suffices")
  const t = compat({ base_models: [{ ...tab, lookback: 64 }] })
  assert.match(t.get('base_models[0].lookback')!.message, /reads the feature_matrix view .* takes no lookback/)
})

test('stacking needs two members, a feature_matrix meta-learner, and walk-forward OOF', () => {
  const one = compat({ base_models: [tab], ensemble: { name: 'test_stack' } })
  assert.match(one.get('ensemble.name')!.message, /ensemble 'test_stack' combines base models but there is only 1 \(lightgbm\)/)
  const meta = compat({ base_models: [tab, win], ensemble: { name: 'test_stack', meta_learner: { name: 'test_window' } } })
  assert.match(meta.get('ensemble.meta_learner.name')!.message, /meta-learner 'test_window' reads window_tensor/)
  const cpcv = compat({ base_models: [tab, { name: 'logistic' }], ensemble: { name: 'test_stack' }, splits: { method: 'cpcv' } })
  assert.deepEqual(paths(cpcv), ['splits.method'])
  assert.match(cpcv.get('splits.method')!.message, /requiresOof/)
  const vote = compat({ base_models: [tab, { name: 'logistic' }], ensemble: { name: 'test_vote', meta_learner: { name: 'logistic' } } })
  assert.match(vote.get('ensemble.meta_learner')!.message, /method voting\) learns no combination/)
})

test('an ensemble that does not accept heterogeneous members names the mix', () => {
  const m = compat({ base_models: [tab, win], ensemble: { name: 'test_vote' } })
  assert.deepEqual(paths(m), ['ensemble.name'])
  assert.match(m.get('ensemble.name')!.message, /supportsHeterogeneous: false.*lightgbm \(tabular, feature_matrix\) and test_window \(sequence, window_tensor\)/)
  assert.deepEqual(paths(compat({ base_models: [tab, { name: 'logistic' }], ensemble: { name: 'test_vote' } })), [])
})

test('regime-dependent parts are refused when regime is false', () => {
  const m = compat({ regime: false, base_models: [{ ...tab, use_regime: true }, { name: 'logistic' }], ensemble: { name: 'test_stack', use_regime: true, gating: { name: 'test_gate' } } })
  assert.deepEqual(paths(m), ['base_models[0].use_regime', 'ensemble.gating.name', 'ensemble.use_regime'])
  assert.match(m.get('ensemble.gating.name')!.message, /gate 'test_gate' gates by regime \(gatingMethod regime_hmm\)/)
})

test('CQR without q05/q95 upstream names the node and the missing outputs', () => {
  const m = compat({ base_models: [{ name: 'logistic' }, win], inference: { uncertainty: { name: 'test_cqr', coverage: 0.9 } } })
  assert.deepEqual(paths(m), ['inference.uncertainty.name'])
  const msg = m.get('inference.uncertainty.name')!.message
  assert.match(msg, /uncertainty method 'test_cqr' needs q05 and q95 from a base model or the ensemble; the pipeline produces p_up, not q05, q95/)
  assert.match(msg, /registered models producing q05 and q95: .*test_quantile/)
  assert.deepEqual(paths(compat({ base_models: [{ name: 'logistic' }, quant], inference: { uncertainty: { name: 'test_cqr' } } })), [])
})

test('calibrators need p_up upstream; the policy needs what it reads', () => {
  const onlyQ: ModelSpec = { name: 'only_q', description: 'x', family: 'tabular', inputView: 'feature_matrix', outputs: ['q05', 'q95'], needs: { normalization: 'any' }, isCausal: true, zeroShot: false, defaults: {} }
  const base = registryCatalog()
  const catalog = { ...base, models: [...base.models, onlyQ] }
  const cal = compat({ base_models: [{ name: 'only_q' }], inference: { calibrate: [{ name: 'test_platt' }] } }, catalog)
  assert.deepEqual(paths(cal), ['inference.calibrate[0].name'])
  assert.match(cal.get('inference.calibrate[0].name')!.message, /calibrator 'test_platt' needs p_up upstream; the pipeline before it produces q05, q95/)
  const pol = compat({ base_models: [tab], policy: { name: 'test_sizer' } })
  assert.deepEqual(paths(pol), ['policy.name'])
  assert.match(pol.get('policy.name')!.message, /policy 'test_sizer' needs uncertainty upstream; .*registered components producing uncertainty: test_cqr\)$/)
})

test('a label horizon beyond purge + embargo is refused; equal is allowed', () => {
  const m = compat({ base_models: [tab], labels: { horizon: 1501 }, splits: { purge: 60, embargo: 1440 } })
  assert.deepEqual(paths(m), ['labels.horizon'])
  assert.match(m.get('labels.horizon')!.message, /^a horizon of 1501 bars is more than splits.purge \+ splits.embargo = 60 \+ 1440 = 1500.*raise splits.embargo to at least 1441/)
  assert.deepEqual(paths(compat({ base_models: [tab], labels: { horizon: 1500 }, splits: { purge: 60, embargo: 1440 } })), [])
  // defaults count too (purge 60 + embargo 1440), and the label search's widest horizon is what matters
  const searched = compat({ base_models: [tab], labels: { horizon: 10, optimise: { enabled: true, bounds: { horizon: [10, 400] } } }, splits: { purge: 0, embargo: 100 } })
  assert.deepEqual(paths(searched), ['labels.optimise.bounds.horizon'])
})

test('a GPU-only model on device cpu is refused', () => {
  const m = compat({ device: 'cpu', base_models: [{ name: 'test_gpu' }] })
  assert.deepEqual(paths(m), ['base_models[0].name'])
  assert.deepEqual(paths(compat({ device: 'auto', base_models: [{ name: 'test_gpu' }] })), [])
})

test('every member must produce what the ensemble combines', () => {
  const onlyQ: ModelSpec = { name: 'only_q2', description: 'x', family: 'tabular', inputView: 'feature_matrix', outputs: ['q05', 'q95'], needs: { normalization: 'any' }, isCausal: true, zeroShot: false, defaults: {} }
  const base = registryCatalog()
  const m = compat({ base_models: [tab, { name: 'only_q2' }], ensemble: { name: 'test_stack' } }, { ...base, models: [...base.models, onlyQ] })
  assert.deepEqual(paths(m), ['base_models[1].name'])
  assert.match(m.get('base_models[1].name')!.message, /^ensemble 'test_stack' combines p_up from every member; base_models\[1\] \(only_q2\) produces q05, q95, not p_up$/)
})
