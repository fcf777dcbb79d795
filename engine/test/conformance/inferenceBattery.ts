import assert from 'node:assert/strict'
import { OUTPUT_RANGES } from '../../contracts/outputs.ts'
import type { AnyOutputName } from '../../contracts/outputs.ts'
import type { Component, FitData, Outputs, SavedComponent, Targets, Tensor } from '../../contracts/component.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { InferenceFactory } from '../../registry/index.ts'
import { restoreComponent } from '../../registry/index.ts'
import { createRng } from '../../data/rng.ts'
import { ece } from '../../inference/metrics/index.ts'
import { expectCode, withValue } from './checks.ts'
import type { Check } from './checks.ts'
import { assertDeclaredOutputs, cancellationCheck, determinismCheck, memoFitted, notFittedCheck, ownRowsCheck, saveLoadCheck } from './commonChecks.ts'
// conformance.test.ts imports the models only; the inference battery brings its own registrations
import '../../inference/index.ts'

/**
 * The inference battery: what every inference-registry entry (calibrators, conformal methods)
 * must do, with synthetic inputs generated from its spec.inputs.
 *
 * One synthetic "world" of rows, each with a latent signal z:
 * - p_up: a clearly miscalibrated probability, σ(2.5·z + 0.5) (over-confident and biased), with
 *   label ~ Bernoulli(σ(z)) — so a calibrator has something to fix and ECE can show it;
 * - E_r / q05 / q50 / q95: a noisy point forecast of the realised forward return `ret` and a band
 *   around it that is too narrow (covers ~55 %), so conformal corrections are positive.
 * Default layout: x = (n, k) with the columns of spec.inputs in order, names = spec.inputs,
 * y = { label, ret }. Conformal methods whose x is not "one column per input" get a layout below.
 */

export interface InferenceHint {
  params?: Record<string, unknown>
  /** training (calibration) rows and test rows */
  n?: number
  nTest?: number
  layout?: LayoutName
}

type LayoutName = 'columns' | 'fold_models' | 'loo_models' | 'stream'

/**
 * Per-entry settings. 'fold_models': x = (n, K) column k = the model trained without fold k,
 * y.fold = fold id (cv_plus). 'loo_models': x = (n, n), one leave-one-out model per column
 * (jackknife_plus). 'stream': x = [E_r, ret] at fit and predict (aci, which reads realised
 * outcomes of earlier rows online).
 */
export const INFERENCE_HINTS: Readonly<Record<string, InferenceHint>> = {
  cv_plus: { layout: 'fold_models' },
  jackknife_plus: { layout: 'loo_models', n: 60, nTest: 40 },
  aci: { layout: 'stream' },
}

const FOLDS = 4

interface World {
  z: Float64Array
  label: Float64Array
  ret: Float64Array
  cols: Record<AnyOutputName, Float64Array>
  /** per-row noise for the K fold / leave-one-out models */
  noise: (row: number, k: number) => number
}

function makeWorld(rows: number, seed: number): World {
  const rng = createRng(seed)
  const z = new Float64Array(rows)
  const label = new Float64Array(rows)
  const ret = new Float64Array(rows)
  const col = () => new Float64Array(rows)
  const cols = {} as Record<AnyOutputName, Float64Array>
  for (const name of Object.keys(OUTPUT_RANGES) as AnyOutputName[]) cols[name] = col()
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))
  for (let i = 0; i < rows; i++) {
    const zi = 1.2 * rng.normal()
    z[i] = zi
    label[i] = rng.next() < sigmoid(zi) ? 1 : 0
    const mu = 0.002 * zi
    ret[i] = mu + 0.003 * (1 + 0.5 * Math.abs(rng.normal())) * rng.normal()
    const er = mu + 0.001 * rng.normal()
    cols.p_up[i] = sigmoid(2.5 * zi + 0.5)
    cols.E_r[i] = er
    cols.q50[i] = er
    cols.q05[i] = er - 0.0025
    cols.q95[i] = er + 0.0025
    // bounded outputs nobody generates specifically: uniform in their range; unbounded: small normals
    for (const name of Object.keys(cols) as AnyOutputName[]) {
      if (['p_up', 'E_r', 'q50', 'q05', 'q95'].includes(name)) continue
      const [lo, hi] = OUTPUT_RANGES[name]
      cols[name][i] = lo !== null && hi !== null ? lo + (hi - lo) * rng.next() : Math.abs(0.003 * rng.normal())
    }
  }
  const seedNoise = seed ^ 0x5bd1e995
  const noise = (row: number, k: number) => createRng((seedNoise + row * 7919 + k * 104729) >>> 0).normal()
  return { z, label, ret, cols, noise }
}

interface Sample {
  x: Tensor
  y: Targets
  names?: string[]
}

/** Rows [from, from + count) of the world in an entry's layout; `width` fixes the model count of the _models layouts. */
function cut(spec: InferenceSpec, layout: LayoutName, w: World, from: number, count: number, width: number): Sample {
  const y = { label: w.label.slice(from, from + count), ret: w.ret.slice(from, from + count) }
  const matrix = (k: number, value: (row: number, c: number) => number): Tensor => {
    const data = new Float64Array(count * k)
    for (let i = 0; i < count; i++) for (let c = 0; c < k; c++) data[i * k + c] = value(from + i, c)
    return { data, shape: [count, k] }
  }
  switch (layout) {
    case 'columns':
      return { x: matrix(spec.inputs.length, (r, c) => w.cols[spec.inputs[c]][r]), y, names: [...spec.inputs] }
    case 'stream':
      return { x: matrix(2, (r, c) => (c === 0 ? w.cols.E_r[r] : w.ret[r])), y, names: ['E_r', 'ret'] }
    case 'fold_models':
    case 'loo_models': {
      const fold = Float64Array.from({ length: count }, (_, i) => (layout === 'fold_models' ? i % width : i))
      return { x: matrix(width, (r, c) => w.cols.E_r[r] + 0.0003 * w.noise(r, c)), y: { ...y, fold } }
    }
  }
}

export interface InferenceData {
  train: FitData & { x: Tensor; y: Targets }
  test: Tensor
  testY: Targets
  /** non-uniform weights of the training rows */
  weights: Float64Array
  /** the target a NaN check poisons: label for calibrators, ret otherwise */
  target: string
}

export function inferenceData(spec: InferenceSpec, hint: InferenceHint = {}, seed = 4321): InferenceData {
  const calibration = spec.category === 'calibration'
  const n = hint.n ?? (calibration ? 2000 : 600)
  const nTest = hint.nTest ?? (calibration ? 2000 : 200)
  const layout = hint.layout ?? 'columns'
  const world = makeWorld(n + nTest, seed)
  const width = layout === 'loo_models' ? n : FOLDS
  const tr = cut(spec, layout, world, 0, n, width)
  const te = cut(spec, layout, world, n, nTest, width)
  const rng = createRng(seed + 1)
  return {
    train: { x: tr.x, y: tr.y, ...(tr.names ? { names: tr.names } : {}) },
    test: te.x,
    testY: te.y,
    weights: Float64Array.from({ length: n }, () => 0.1 + 2.9 * rng.next()),
    target: calibration ? 'label' : 'ret',
  }
}

export interface InferenceSubject {
  spec: InferenceSpec
  outputs: readonly AnyOutputName[]
  data: InferenceData
  make(seed?: number): Component<InferenceSpec>
  restore(saved: SavedComponent): Component
  fitted(): Promise<{ c: Component<InferenceSpec>; out: Outputs }>
}

export function inferenceSubject(spec: InferenceSpec, factory: InferenceFactory, hint: InferenceHint = {}, restore: (s: SavedComponent) => Component = restoreComponent): InferenceSubject {
  const params = { ...(hint.params ?? {}) }
  const seed = 23
  const data = inferenceData(spec, hint)
  const make = (s = seed) => factory(params, { seed: s, paramPath: `conformance.${spec.name}.params` })
  return {
    spec,
    outputs: make().outputs,
    data,
    make,
    restore,
    fitted: memoFitted(() => make(), data.train, data.test),
  }
}

const fittedC = async (s: InferenceSubject) => {
  const { c, out } = await s.fitted()
  return { component: c, out }
}

const isCalibration = (s: InferenceSubject) => (s.spec.category === 'calibration' ? undefined : `category '${s.spec.category}' is not calibration`)

export const INFERENCE_CHECKS: readonly Check<InferenceSubject>[] = [
  {
    name: 'outputs: the instance\'s outputs (⊆ spec.outputs), one finite value per row, within OUTPUT_RANGES; q05 ≤ q95',
    async run(s) {
      const { out } = await s.fitted()
      const n = s.data.test.shape[0]
      assertDeclaredOutputs(s.outputs, s.spec.outputs, out, n)
      if (out.q05 && out.q95) for (let i = 0; i < n; i++) assert.ok(out.q05[i] <= out.q95[i], `q05 > q95 at row ${i}: ${out.q05[i]} > ${out.q95[i]}`)
    },
  },
  {
    name: 'config: getConfig() is plain JSON, kind inference, and rebuilds an equal component',
    async run(s) {
      const c = s.make().getConfig()
      assert.deepEqual(JSON.parse(JSON.stringify(c)), c)
      assert.equal(c.kind, 'inference')
      assert.deepEqual(s.make().getConfig(), c)
    },
  },
  determinismCheck<InferenceSubject>(fittedC),
  // refit on other targets (labels flipped, returns reversed)
  saveLoadCheck<InferenceSubject>((s) => {
    const { label, ret } = s.data.train.y
    return { ...s.data.train, y: { ...s.data.train.y, label: label.map((v) => 1 - v), ret: ret.map((v) => -2 * v) } }
  }),
  {
    name: 'NaN/Inf input: fit and predict throw E_NAN_INPUT naming the row (and column)',
    async run(s) {
      const { train, test, target } = s.data
      const row = 5
      const width = train.x.shape[1]
      const col = Math.min(1, width - 1)
      const e1 = await expectCode('fit with NaN in x', () => s.make().fit({ ...train, x: withValue(train.x, row * width + col, NaN) }), 'E_NAN_INPUT')
      assert.equal(e1.details.row, row, `fit error names row ${String(e1.details.row)}, not ${row}`)
      assert.equal(e1.details.column, train.names?.[col] ?? col, `fit error names column ${String(e1.details.column)}`)
      const y = train.y[target].slice()
      y[row] = NaN
      const e2 = await expectCode(`fit with NaN in y.${target}`, () => s.make().fit({ ...train, y: { ...train.y, [target]: y } }), 'E_NAN_INPUT')
      assert.equal(e2.details.row, row)
      const { c } = await s.fitted()
      const e3 = await expectCode('predict with Infinity in x', () => c.predict(withValue(test, row * width + col, Infinity)), 'E_NAN_INPUT')
      assert.equal(e3.details.row, row)
    },
  },
  notFittedCheck<InferenceSubject>(),
  cancellationCheck<InferenceSubject>(fittedC),
  ownRowsCheck<InferenceSubject>(fittedC, (i) => (i % 3 === 0 ? 1e6 : i % 3 === 1 ? -7 : 0.5)),
  {
    name: 'calibration: ECE on held-out rows from the same distribution is lower after calibrating a clearly miscalibrated p_up',
    skip: isCalibration,
    async run(s) {
      const { out } = await s.fitted()
      const p = Float64Array.from(s.data.test.data)
      const y = s.data.testY.label
      const before = ece(p, y, { bins: 10 }).value
      const after = ece(out.p_up!, y, { bins: 10 }).value
      assert.ok(before > 0.05, `the battery's p_up should be clearly miscalibrated (ECE ${before.toFixed(4)})`)
      assert.ok(after < before, `ECE went from ${before.toFixed(4)} to ${after.toFixed(4)} on held-out rows`)
      assert.ok(after < 0.5 * before, `ECE only went from ${before.toFixed(4)} to ${after.toFixed(4)}: less than halved on input this miscalibrated`)
    },
  },
  {
    name: 'calibration: p_up outside [0, 1] and labels other than 0/1 are refused (E_VALIDATION); more than one column is E_SHAPE',
    skip: isCalibration,
    async run(s) {
      const { train, test } = s.data
      const e1 = await expectCode('fit with p_up = 1.5', () => s.make().fit({ ...train, x: withValue(train.x, 7, 1.5) }), 'E_VALIDATION')
      assert.equal(e1.details.row, 7)
      const label = train.y.label.slice()
      label[3] = 2
      await expectCode('fit with label 2', () => s.make().fit({ ...train, y: { ...train.y, label } }), 'E_VALIDATION')
      const { c } = await s.fitted()
      await expectCode('predict with p_up = -0.1', () => c.predict(withValue(test, 2, -0.1)), 'E_VALIDATION')
      const two: Tensor = { data: new Float64Array(20).fill(0.5), shape: [10, 2] }
      await expectCode('fit on two columns', () => s.make().fit({ x: two, y: { label: new Float64Array(10) } }), 'E_SHAPE')
    },
  },
]
