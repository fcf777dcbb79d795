import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../contracts/errors.ts'
import type { Tensor } from '../contracts/component.ts'
import { createRng } from '../data/rng.ts'
import { createEnsemble, findEnsembles } from '../registry/index.ts'
import './index.ts'
import { parseMemberColumns } from './members.ts'
import { fitMetaModel, logit, predictMetaModel } from './metaLearners/index.ts'

const isCode = (code: string, re?: RegExp) => (e: unknown) => e instanceof FactoryError && e.code === code && (!re || re.test(e.message))

const t = (rows: number[][]): Tensor => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0].length] })

test('registry: voting, stacking, blending with the capabilities the validator reads', () => {
  const byName = Object.fromEntries(findEnsembles().map((s) => [s.name, s]))
  assert.deepEqual(Object.keys(byName).sort(), ['blending', 'stacking', 'voting'])
  assert.equal(byName.stacking.requiresOof, true)
  assert.equal(byName.voting.requiresOof, false)
  assert.equal(byName.blending.requiresOof, false)
  assert.ok(findEnsembles({ supportsHeterogeneous: true }).length === 3)
  assert.deepEqual(byName.voting.outputs, ['p_up', 'E_r', 'q05', 'q50', 'q95'])
  assert.deepEqual(byName.stacking.outputs, ['p_up', 'E_r'])
})

test('member layout: parsed from names in any order, members by first appearance, regimes by index', () => {
  const l = parseMemberColumns(['regime_prob_1', 'b.p_up', 'a.x.E_r', 'a.x.p_up', 'regime_prob_0', 'b.E_r'], 'test')
  assert.deepEqual(l.members, ['b', 'a.x'])
  assert.deepEqual(l.columns, { b: { p_up: 1, E_r: 5 }, 'a.x': { E_r: 2, p_up: 3 } })
  assert.deepEqual(l.regime, [4, 0])
  assert.throws(() => parseMemberColumns(['a.p_up', 'regime_prob_1'], 'test'), isCode('E_CONFIG'))
  assert.throws(() => parseMemberColumns(['a.p_up', 'a.p_up', 'b.p_up'], 'test'), isCode('E_CONFIG', /appears twice/))
  assert.throws(() => parseMemberColumns(['a.p_up', 'regime_prob_01'], 'test'), isCode('E_CONFIG', /not a regime column/))
  assert.throws(() => parseMemberColumns(['a.p_up', 'a.E_r'], 'test'), isCode('E_CONFIG', /needs at least 2/))
  assert.throws(() => parseMemberColumns(['p_up', 'b.p_up'], 'test'), isCode('E_CONFIG', /'<member>\.<output>'/))
})

test('voting: hand-computed weighted means of p_up, E_r and quantiles; weights normalised', async () => {
  const names = ['a.p_up', 'a.E_r', 'a.q05', 'a.q50', 'a.q95', 'b.p_up', 'b.E_r', 'b.q05', 'b.q50', 'b.q95']
  const x = t([
    [0.2, 0.01, -0.02, 0.01, 0.03, 0.8, -0.01, -0.05, -0.01, 0.02],
    [0.5, 0.0, -0.01, 0.0, 0.01, 0.5, 0.02, 0.0, 0.02, 0.05],
  ])
  const v = createEnsemble('voting', { weights: [1, 3], e_r: true, quantiles: true })
  const r = await v.fit({ x, names })
  assert.deepEqual(r.info.weights, [0.25, 0.75])
  const out = await v.predict(x)
  const close = (a: Float64Array, b: number[]) => b.forEach((bv, i) => assert.ok(Math.abs(a[i] - bv) < 1e-15, `${a[i]} vs ${bv}`))
  close(out.p_up!, [0.25 * 0.2 + 0.75 * 0.8, 0.5])
  close(out.E_r!, [0.25 * 0.01 - 0.75 * 0.01, 0.75 * 0.02])
  close(out.q05!, [0.25 * -0.02 + 0.75 * -0.05, 0.25 * -0.01])
  close(out.q95!, [0.25 * 0.03 + 0.75 * 0.02, 0.25 * 0.01 + 0.75 * 0.05])
  const equal = createEnsemble('voting', {})
  await equal.fit({ x, names })
  close((await equal.predict(x)).p_up!, [0.5, 0.5])
  await assert.rejects(createEnsemble('voting', { weights: [1, 2, 3] }).fit({ x, names }), isCode('E_PARAM', /3 weights for 2 members \(a, b/))
  await assert.rejects(createEnsemble('voting', { weights: [0, 0] }).fit({ x, names }), isCode('E_PARAM', /sum to 0/))
  await assert.rejects(createEnsemble('voting', {}).fit({ x: t([[0.5, 0.5, 0.3]]), names: ['a.p_up', 'b.p_up', 'regime_prob_0'] }), isCode('E_CONFIG', /regime/))
  // voting learns nothing, so it needs no targets
  assert.equal((await equal.fit({ x, names })).info.regimes, 0)
})

test('params: nothing combined, logistic for E_r, and an unknown meta-learner are refused when the ensemble is built', () => {
  assert.throws(() => createEnsemble('voting', { p_up: false }), isCode('E_PARAM', /combines nothing/))
  assert.throws(() => createEnsemble('stacking', { e_r: true }), isCode('E_PARAM', /'logistic' models p_up only/))
  assert.throws(() => createEnsemble('stacking', { meta_learner: 'lasso' }, { paramPath: 'ensemble.params' }), (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM' && e.details.path === 'ensemble.params.meta_learner')
  assert.deepEqual(createEnsemble('stacking', { meta_learner: 'ridge', e_r: true, p_up: false }).outputs, ['E_r'])
})

test('targets: stacking p_up needs y.label of 0/1 with both classes; E_r needs y.ret', async () => {
  const rng = createRng(3)
  const n = 50
  const x = t(Array.from({ length: n }, () => [rng.next(), rng.next()]))
  const names = ['a.p_up', 'b.p_up']
  const s = () => createEnsemble('stacking', {})
  await assert.rejects(s().fit({ x, names }), isCode('E_CONFIG', /y\.label/))
  await assert.rejects(s().fit({ x, names, y: { label: new Float64Array(n).fill(1) } }), isCode('E_VALIDATION', /only class 1/))
  const bad = Float64Array.from({ length: n }, (_, i) => i % 2)
  bad[4] = 0.5
  await assert.rejects(s().fit({ x, names, y: { label: bad } }), isCode('E_VALIDATION', /row 4/))
  await assert.rejects(
    createEnsemble('stacking', { meta_learner: 'ridge', p_up: false, e_r: true }).fit({ x: t(Array.from({ length: n }, () => [0.1, 0.2])), names: ['a.E_r', 'b.E_r'], y: { label: bad } }),
    isCode('E_CONFIG', /y\.ret/),
  )
})

test('logistic meta-model on logits reproduces a member that is already the truth (coefficient 1 on it, 0 on noise)', () => {
  const rng = createRng(9)
  const n = 40_000
  const truth = new Float64Array(n)
  const noise = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const z = 1.5 * rng.normal()
    truth[i] = 1 / (1 + Math.exp(-z))
    noise[i] = rng.next()
    y[i] = rng.next() < truth[i] ? 1 : 0
  }
  const { model } = fitMetaModel('p_up', [truth, noise], ['logit', 'logit'], y, { learner: 'logistic', c: 1e6, alpha: 0, l1Ratio: 0, maxIter: 100, tol: 1e-10 })
  assert.ok(Math.abs(model.coef[0] - 1) < 0.05, `coefficient on the true member's logit ${model.coef[0]}`)
  assert.ok(Math.abs(model.coef[1]) < 0.03, `coefficient on noise ${model.coef[1]}`)
  assert.ok(Math.abs(model.intercept) < 0.05)
  const p = predictMetaModel(model, [Float64Array.of(0.5, 0.9), Float64Array.of(0.5, 0.5)])
  assert.ok(Math.abs(p[1] - 1 / (1 + Math.exp(-(model.intercept + model.coef[0] * logit(0.9))))) < 1e-15)
})

test('ridge for p_up is a linear probability model clipped to [1e-6, 1 − 1e-6]; E_r heads keep units', async () => {
  const names = ['a.p_up', 'a.E_r', 'b.p_up', 'b.E_r']
  const rng = createRng(4)
  const n = 400
  const rows: number[][] = []
  const label = new Float64Array(n)
  const ret = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const p = rng.next()
    label[i] = rng.next() < p ? 1 : 0
    ret[i] = 0.01 * (p - 0.5) + 0.001 * rng.normal()
    rows.push([p, 0.01 * (p - 0.5), 0.5, 0.0])
  }
  const c = createEnsemble('stacking', { meta_learner: 'ridge', e_r: true })
  await c.fit({ x: t(rows), names, y: { label, ret } })
  const out = await c.predict(t([[1, 0.02, 0.5, 0], [0, -0.02, 0.5, 0], [0.5, 0, 0.5, 0]]))
  assert.ok(out.p_up![0] <= 1 - 1e-6 && out.p_up![1] >= 1e-6)
  assert.ok(Math.abs(out.p_up![2] - 0.5) < 0.1)
  // E_r follows member a's E_r one for one (ret = E_r_a + noise)
  assert.ok(Math.abs(out.E_r![0] - 0.02) < 0.003 && Math.abs(out.E_r![1] + 0.02) < 0.003, `E_r ${out.E_r![0]}, ${out.E_r![1]}`)
})
