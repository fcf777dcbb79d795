import assert from 'node:assert/strict'
import { OUTPUT_RANGES } from '../../contracts/outputs.ts'
import type { AnyOutputName, OutputName } from '../../contracts/outputs.ts'
import type { Component, FitData, Outputs, SavedComponent, Targets, Tensor } from '../../contracts/component.ts'
import type { EnsembleSpec } from '../../contracts/specs.ts'
import type { EnsembleFactory } from '../../registry/index.ts'
import { restoreComponent } from '../../registry/index.ts'
import { createRng } from '../../data/rng.ts'
import { logLoss } from '../../inference/metrics/index.ts'
import { assertSameOutputs, expectCode, withValue } from './checks.ts'
import type { Check } from './checks.ts'
import { cancellationCheck, determinismCheck, memoFitted, notFittedCheck, ownRowsCheck, saveLoadCheck } from './commonChecks.ts'
// conformance.test.ts imports the models only; the ensemble battery brings its own registrations
import '../../ensembles/index.ts'

/**
 * The ensemble battery: what every ensemble-registry entry (voting, stacking, blending, gates)
 * must do, on synthetic member outputs in the runner's layout (engine/ensembles/members.ts):
 * x = (n, w) with columns named `<member>.<output>` (+ `regime_prob_<k>`), y = { label, ret }.
 *
 * One synthetic "world": a latent z per row, label ~ Bernoulli(σ(z)), ret = 0.002·z + noise. Three
 * members see z through independent noise of different sizes and are miscalibrated differently
 * (over-confident, timid, biased), each with p_up, E_r and a q05/q50/q95 band around its E_r —
 * honest but imperfect views, so a combination has something to gain. Regime probabilities,
 * when a variant asks for them, are a smooth softmax of the row's z (informative, in [0, 1],
 * summing to 1).
 */

export interface EnsembleHint {
  label?: string
  params?: Record<string, unknown>
  /** regime_prob columns to append (0 = none) */
  regimes?: number
  n?: number
  nTest?: number
}

/** Variants per registry name; together they must produce every output the spec declares. */
export const ENSEMBLE_HINTS: Readonly<Record<string, readonly EnsembleHint[]>> = {
  voting: [
    { label: 'equal weights, p_up' },
    { label: 'weights 1:2:3, p_up + E_r + quantiles', params: { weights: [1, 2, 3], e_r: true, quantiles: true } },
  ],
  stacking: [
    { label: 'logistic' },
    { label: 'ridge, p_up + E_r', params: { meta_learner: 'ridge', e_r: true } },
    { label: 'elastic_net, p_up + E_r, 3 regimes', params: { meta_learner: 'elastic_net', e_r: true }, regimes: 3 },
  ],
  blending: [
    { label: 'logistic, 2 regimes', regimes: 2 },
    { label: 'elastic_net, E_r only', params: { meta_learner: 'elastic_net', p_up: false, e_r: true } },
  ],
}

const MEMBERS = ['tab', 'seq', 'fm'] as const
const MEMBER_OUTPUTS: readonly OutputName[] = ['p_up', 'E_r', 'q05', 'q50', 'q95']
/** noise on z, slope and bias of each member's logit: over-confident, timid, biased */
const SHAPE = [
  { noise: 0.7, slope: 2.2, bias: 0 },
  { noise: 1.0, slope: 0.6, bias: 0.1 },
  { noise: 1.3, slope: 1.0, bias: -0.4 },
]

interface World {
  label: Float64Array
  ret: Float64Array
  /** value of member m's output o at row i */
  value: (m: number, o: OutputName, i: number) => number
  regime: (k: number, K: number, i: number) => number
}

function makeWorld(rows: number, seed: number): World {
  const rng = createRng(seed)
  const z = new Float64Array(rows)
  const label = new Float64Array(rows)
  const ret = new Float64Array(rows)
  const zm = MEMBERS.map(() => new Float64Array(rows))
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))
  for (let i = 0; i < rows; i++) {
    z[i] = 1.2 * rng.normal()
    label[i] = rng.next() < sigmoid(z[i]) ? 1 : 0
    ret[i] = 0.002 * z[i] + 0.003 * rng.normal()
    SHAPE.forEach((s, m) => (zm[m][i] = z[i] + s.noise * rng.normal()))
  }
  return {
    label,
    ret,
    value: (m, o, i) => {
      const s = SHAPE[m]
      const er = 0.002 * zm[m][i] / (1 + s.noise * s.noise)
      switch (o) {
        case 'p_up':
          return sigmoid(s.slope * zm[m][i] + s.bias)
        case 'E_r':
        case 'q50':
          return er
        case 'q05':
          return er - 0.004 * (1 + m)
        case 'q95':
          return er + 0.004 * (1 + m)
        default:
          return 0.5
      }
    },
    regime: (k, K, i) => {
      let den = 0
      for (let j = 0; j < K; j++) den += Math.exp((j - (K - 1) / 2) * z[i])
      return Math.exp((k - (K - 1) / 2) * z[i]) / den
    },
  }
}

/** Column names and their values; `order` permutes columns, `extra` adds per-member outputs. */
type Column = { name: string; get: (i: number) => number }

function columnsFor(w: World, outputs: readonly OutputName[] | ((m: number) => readonly OutputName[]), regimes: number): Column[] {
  const cols: Column[] = []
  MEMBERS.forEach((member, m) => {
    const outs = typeof outputs === 'function' ? outputs(m) : outputs
    for (const o of outs) cols.push({ name: `${member}.${o}`, get: (i) => w.value(m, o, i) })
  })
  for (let k = 0; k < regimes; k++) cols.push({ name: `regime_prob_${k}`, get: (i) => w.regime(k, regimes, i) })
  return cols
}

function matrix(cols: readonly Column[], from: number, count: number): Tensor {
  const k = cols.length
  const data = new Float64Array(count * k)
  for (let i = 0; i < count; i++) for (let c = 0; c < k; c++) data[i * k + c] = cols[c].get(from + i)
  return { data, shape: [count, k] }
}

export interface EnsembleData {
  train: FitData & { x: Tensor; y: Targets; names: string[] }
  test: Tensor
  testY: Targets
  /** heterogeneous layout of the same values: members carry different extra outputs, columns interleaved */
  hetero: { train: FitData & { names: string[] }; test: Tensor }
  /** per member, the held-out values of each output */
  memberTest: (m: number, o: OutputName) => Float64Array
}

/** `combined`: the outputs the instance combines; every member of the heterogeneous layout has them. */
export function ensembleData(hint: EnsembleHint = {}, combined: readonly AnyOutputName[] = ['p_up'], seed = 8675): EnsembleData {
  const n = hint.n ?? 1500
  const nTest = hint.nTest ?? 1000
  const regimes = hint.regimes ?? 0
  const w = makeWorld(n + nTest, seed)
  const cols = columnsFor(w, MEMBER_OUTPUTS, regimes)
  const y = { label: w.label.slice(0, n), ret: w.ret.slice(0, n) }
  // Heterogeneous: member 0 has only the combined outputs, member 1 every output in another order,
  // member 2 also regime_score; regime columns first and the member columns interleaved — the
  // layout is read from names only.
  const chosen = MEMBER_OUTPUTS.filter((o) => combined.includes(o))
  const extra: readonly (readonly OutputName[])[] = [chosen, [...MEMBER_OUTPUTS].reverse(), ['regime_score', ...MEMBER_OUTPUTS]]
  const het = columnsFor(w, (m) => extra[m], regimes)
  const reg = het.filter((c) => c.name.startsWith('regime_prob_'))
  const mem = het.filter((c) => !c.name.startsWith('regime_prob_'))
  // first appearance keeps member order tab, seq, fm, so voting weights and coefficients line up
  const firsts = MEMBERS.map((m) => mem.find((c) => c.name.startsWith(`${m}.`))!)
  const rest = mem.filter((c) => !firsts.includes(c)).reverse()
  const heteroCols = [...reg, ...firsts, ...rest]
  return {
    train: { x: matrix(cols, 0, n), y, names: cols.map((c) => c.name) },
    test: matrix(cols, n, nTest),
    testY: { label: w.label.slice(n), ret: w.ret.slice(n) },
    hetero: { train: { x: matrix(heteroCols, 0, n), y, names: heteroCols.map((c) => c.name) }, test: matrix(heteroCols, n, nTest) },
    memberTest: (m, o) => Float64Array.from({ length: nTest }, (_, i) => w.value(m, o, n + i)),
  }
}

export interface EnsembleSubject {
  spec: EnsembleSpec
  outputs: readonly AnyOutputName[]
  data: EnsembleData
  make(seed?: number): Component<EnsembleSpec>
  restore(saved: SavedComponent): Component
  fitted(): Promise<{ c: Component<EnsembleSpec>; out: Outputs }>
}

export function ensembleSubject(spec: EnsembleSpec, factory: EnsembleFactory, hint: EnsembleHint = {}, restore: (s: SavedComponent) => Component = restoreComponent): EnsembleSubject {
  const params = { ...(hint.params ?? {}) }
  const make = (s = 31) => factory(params, { seed: s, paramPath: `conformance.${spec.name}.params` })
  const data = ensembleData(hint, make().outputs)
  return {
    spec,
    outputs: make().outputs,
    data,
    make,
    restore,
    fitted: memoFitted(() => make(), data.train, data.test),
  }
}

const fittedC = async (s: EnsembleSubject) => {
  const { c, out } = await s.fitted()
  return { component: c, out }
}

const col = (names: readonly string[], name: string) => {
  const c = names.indexOf(name)
  assert.ok(c >= 0, `battery data has no column '${name}'`)
  return c
}

const mse = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length

export const ENSEMBLE_CHECKS: readonly Check<EnsembleSubject>[] = [
  {
    name: "outputs: the instance's outputs (⊆ spec.outputs), one finite value per row, within OUTPUT_RANGES; q05 ≤ q50 ≤ q95",
    async run(s) {
      const { out } = await s.fitted()
      const n = s.data.test.shape[0]
      assert.ok(s.outputs.length > 0 && s.outputs.every((o) => (s.spec.outputs as readonly string[]).includes(o)), `instance outputs [${s.outputs.join(', ')}] are not a non-empty subset of spec.outputs`)
      assert.deepEqual(Object.keys(out).sort(), [...s.outputs].sort(), "predictions differ from the instance's declared outputs")
      for (const name of s.outputs) {
        const c = out[name]!
        assert.equal(c.length, n)
        const [lo, hi] = OUTPUT_RANGES[name]
        for (let i = 0; i < n; i++) {
          assert.ok(Number.isFinite(c[i]), `'${name}' is ${c[i]} at row ${i}`)
          assert.ok((lo === null || c[i] >= lo) && (hi === null || c[i] <= hi), `'${name}' = ${c[i]} at row ${i} is outside [${lo ?? '-∞'}, ${hi ?? '∞'}]`)
        }
      }
      if (out.q05 && out.q50 && out.q95) for (let i = 0; i < n; i++) assert.ok(out.q05[i] <= out.q50[i] && out.q50[i] <= out.q95[i], `quantiles cross at row ${i}`)
    },
  },
  {
    name: 'config: getConfig() is plain JSON, kind ensemble, and rebuilds an equal component',
    async run(s) {
      const c = s.make().getConfig()
      assert.deepEqual(JSON.parse(JSON.stringify(c)), c)
      assert.equal(c.kind, 'ensemble')
      assert.deepEqual(s.make().getConfig(), c)
    },
  },
  determinismCheck<EnsembleSubject>(fittedC),
  // refit on other targets and other member values
  saveLoadCheck<EnsembleSubject>((s) => {
    const { label, ret } = s.data.train.y
    const x = { data: s.data.train.x.data.map((v, k) => (/\.p_up$|^regime_prob_/.test(s.data.train.names[k % s.data.train.x.shape[1]]) ? 1 - v : v * 1.5)), shape: s.data.train.x.shape }
    return { ...s.data.train, x, y: { label: label.map((v) => 1 - v), ret: ret.map((v) => -2 * v) } }
  }),
  {
    name: 'NaN/Inf input: fit and predict throw E_NAN_INPUT naming the row and the `<member>.<output>` column',
    async run(s) {
      const { train, test } = s.data
      const row = 5
      const width = train.x.shape[1]
      const c = col(train.names, 'seq.E_r')
      const e1 = await expectCode('fit with NaN in x', () => s.make().fit({ ...train, x: withValue(train.x, row * width + c, NaN) }), 'E_NAN_INPUT')
      assert.equal(e1.details.row, row)
      assert.equal(e1.details.column, 'seq.E_r')
      for (const t of ['label', 'ret']) {
        const y = train.y[t].slice()
        y[row] = NaN
        const e2 = await expectCode(`fit with NaN in y.${t}`, () => s.make().fit({ ...train, y: { ...train.y, [t]: y } }), 'E_NAN_INPUT')
        assert.equal(e2.details.row, row)
      }
      const { c: fitted } = await s.fitted()
      const e3 = await expectCode('predict with Infinity in x', () => fitted.predict(withValue(test, row * width + c, Infinity)), 'E_NAN_INPUT')
      assert.equal(e3.details.row, row)
    },
  },
  {
    name: 'layout: no names, an unknown column, a member missing a combined output, p_up outside [0, 1] are refused naming what is wrong',
    async run(s) {
      const { train, test } = s.data
      const { x, y } = train
      await expectCode('fit without names', () => s.make().fit({ x, y }), 'E_CONFIG')
      const bad = [...train.names]
      bad[1] = 'tab.p_dn'
      const e1 = await expectCode("fit with a column 'tab.p_dn'", () => s.make().fit({ ...train, names: bad }), 'E_CONFIG')
      assert.equal(e1.details.column, 'tab.p_dn')
      // rename the 'fm' member's copy of the first combined output to another output name: fm now lacks it
      const first = s.outputs[0]
      const missing = train.names.map((nm) => (nm === `fm.${first}` ? 'fm.regime_score' : nm))
      const e2 = await expectCode(`fit where member fm lacks ${first}`, () => s.make().fit({ ...train, names: missing }), 'E_CONFIG')
      assert.match(e2.message, /'fm'/)
      const width = x.shape[1]
      const p = col(train.names, 'tab.p_up')
      const e3 = await expectCode('fit with tab.p_up = 1.5', () => s.make().fit({ ...train, x: withValue(x, 7 * width + p, 1.5) }), 'E_VALIDATION')
      assert.equal(e3.details.row, 7)
      assert.equal(e3.details.column, 'tab.p_up')
      const { c } = await s.fitted()
      await expectCode('predict with tab.p_up = -0.1', () => c.predict(withValue(test, 3 * width + p, -0.1)), 'E_VALIDATION')
    },
  },
  notFittedCheck<EnsembleSubject>(),
  cancellationCheck<EnsembleSubject>(fittedC),
  ownRowsCheck<EnsembleSubject>(fittedC, (i) => (i % 3 === 0 ? 0.99 : i % 3 === 1 ? 0.01 : 0.5)),
  {
    name: 'heterogeneous members (different output sets, interleaved columns) are accepted when the spec says so, with the same predictions',
    skip: (s) => (s.spec.supportsHeterogeneous ? undefined : 'spec.supportsHeterogeneous is false'),
    async run(s) {
      const { out } = await s.fitted()
      const m = s.make()
      await m.fit(s.data.hetero.train)
      assertSameOutputs(out, await m.predict(s.data.hetero.test), 'the heterogeneous layout of the same member values')
    },
  },
  {
    name: 'combining helps: held-out p_up log loss and E_r squared error below the members\' average',
    async run(s) {
      const { out } = await s.fitted()
      const { testY, memberTest } = s.data
      if (out.p_up) {
        const mine = logLoss(out.p_up, testY.label).value
        const members = MEMBERS.map((_, m) => logLoss(memberTest(m, 'p_up'), testY.label).value)
        const avg = members.reduce((a, b) => a + b, 0) / members.length
        assert.ok(mine < avg, `ensemble log loss ${mine.toFixed(4)} is not below the members' average ${avg.toFixed(4)} (members ${members.map((v) => v.toFixed(4)).join(', ')})`)
      }
      if (out.E_r) {
        const mine = mse(out.E_r, testY.ret)
        const members = MEMBERS.map((_, m) => mse(memberTest(m, 'E_r'), testY.ret))
        const avg = members.reduce((a, b) => a + b, 0) / members.length
        assert.ok(mine < avg, `ensemble E_r MSE ${mine.toExponential(4)} is not below the members' average ${avg.toExponential(4)}`)
      }
    },
  },
]
