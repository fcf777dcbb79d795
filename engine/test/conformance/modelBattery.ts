import assert from 'node:assert/strict'
import type { OutputName } from '../../contracts/outputs.ts'
import type { Component, Outputs, SavedComponent } from '../../contracts/component.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { ModelFactory } from '../../registry/index.ts'
import { restoreComponent } from '../../registry/index.ts'
import { assertSameOutputs, expectCode, withValue } from './checks.ts'
import { assertDeclaredOutputs, determinismCheck, notFittedCheck, saveLoadCheck } from './commonChecks.ts'
import type { Check } from './checks.ts'
import { DEFAULT_DATA, modelData } from './modelData.ts'
import type { ModelData } from './modelData.ts'

/**
 * The model battery: what every model-registry entry must do, checked from its spec alone.
 * A check that a spec capability switches on (isCausal, needs.sampleWeights, needs.earlyStopping)
 * runs only when declared, and then must pass: a model claiming a capability it lacks fails here.
 */

/**
 * Per-model adjustments (see hints.ts): smaller settings for speed, and — for a model whose params
 * select its outputs — one variant per selection, so every declared output gets checked.
 */
export interface ModelHint {
  /** shown in test names when an entry has several variants */
  label?: string
  params?: Record<string, unknown>
  n?: number
  nTest?: number
  lookback?: number
}

export interface ModelSubject {
  spec: ModelSpec
  /** what this configured instance produces (a non-empty subset of spec.outputs) */
  outputs: readonly OutputName[]
  params: Record<string, unknown>
  seed: number
  data: ModelData
  /** a fresh instance with the subject's params (and seed unless given) */
  make(seed?: number): Component<ModelSpec>
  /** rebuild a saved component by name (the registry's restoreComponent for registered models) */
  restore(saved: SavedComponent): Component
  /** one fitted instance and its test predictions, shared by the read-only checks */
  fitted(): Promise<{ model: Component<ModelSpec>; out: Outputs }>
}

export function modelSubject(spec: ModelSpec, factory: ModelFactory, hint: ModelHint = {}, restore: (s: SavedComponent) => Component = restoreComponent): ModelSubject {
  const params = { ...(hint.params ?? {}) }
  const seed = 17
  const data = modelData(spec, { ...DEFAULT_DATA, ...(hint.n ? { n: hint.n } : {}), ...(hint.nTest ? { nTest: hint.nTest } : {}), ...(hint.lookback ? { lookback: hint.lookback } : {}) })
  const make = (s = seed) => factory(params, { seed: s, paramPath: `conformance.${spec.name}.params` })
  let memo: Promise<{ model: Component<ModelSpec>; out: Outputs }> | undefined
  return {
    spec,
    outputs: make().outputs as readonly OutputName[],
    params,
    seed,
    data,
    make,
    restore,
    fitted: () =>
      (memo ??= (async () => {
        const model = make()
        await model.fit(data.train)
        return { model, out: await model.predict(data.test) }
      })()),
  }
}

const modelFitted = async (s: ModelSubject) => {
  const { model, out } = await s.fitted()
  return { component: model, out }
}

const q = (o: Outputs, k: 'q05' | 'q50' | 'q95') => o[k]

export const MODEL_CHECKS: readonly Check<ModelSubject>[] = [
  {
    name: 'outputs: the instance\'s outputs (⊆ spec.outputs), one finite value per row, within OUTPUT_RANGES; q05 ≤ q50 ≤ q95',
    async run(s) {
      const { out } = await s.fitted()
      const n = s.data.test.shape[0]
      assertDeclaredOutputs(s.outputs, s.spec.outputs, out, n)
      const chain = (['q05', 'q50', 'q95'] as const).filter((k) => s.outputs.includes(k))
      for (let a = 0; a + 1 < chain.length; a++) {
        const lo = q(out, chain[a])!
        const hi = q(out, chain[a + 1])!
        let crossed = 0
        let first = -1
        for (let i = 0; i < n; i++) if (lo[i] > hi[i]) (crossed++, first < 0 && (first = i))
        assert.equal(crossed, 0, `${chain[a]} > ${chain[a + 1]} on ${crossed} of ${n} rows (first: row ${first}, ${lo[first]} > ${hi[first]})`)
      }
    },
  },
  {
    name: 'config: getConfig() is plain JSON and rebuilds an equal component',
    async run(s) {
      const m = s.make()
      const c = m.getConfig()
      assert.deepEqual(JSON.parse(JSON.stringify(c)), c)
      assert.deepEqual(c.kind, 'model')
      assert.deepEqual(s.make().getConfig(), c)
    },
  },
  determinismCheck<ModelSubject>(modelFitted),
  saveLoadCheck<ModelSubject>((s) => ({ ...s.data.train, y: { label: s.data.train.y.label.map((v) => 1 - v), ret: s.data.train.y.ret.map((v) => -v) } })),
  {
    name: 'NaN/Inf input: fit and predict throw E_NAN_INPUT naming the row and column',
    async run(s) {
      const { T, f, names, train } = s.data
      const row = 5
      const col = Math.min(2, f - 1)
      const at = (r: number) => (r * T + (T - 1)) * f + col
      const e1 = await expectCode('fit with NaN in x', () => s.make().fit({ ...train, x: withValue(train.x, at(row), NaN) }), 'E_NAN_INPUT')
      assert.equal(e1.details.row, row, `fit error names row ${String(e1.details.row)}, not ${row}`)
      assert.equal(e1.details.column, names[col], `fit error names column ${String(e1.details.column)}, not ${names[col]}`)
      assert.match(e1.message, new RegExp(`row ${row}\\b`))
      const y = train.y.label.slice()
      y[row] = NaN
      await expectCode('fit with NaN in y.label', () => s.make().fit({ ...train, y: { ...train.y, label: y } }), 'E_NAN_INPUT')
      const { model } = await s.fitted()
      const e2 = await expectCode('predict with Infinity in x', () => model.predict(withValue(s.data.test, at(row), Infinity)), 'E_NAN_INPUT')
      assert.equal(e2.details.row, row)
      assert.equal(e2.details.column, names[col])
    },
  },
  {
    name: 'prefix invariance: predictions up to t ignore the bars after t (changed or cut off)',
    skip: (s) => (s.spec.isCausal ? undefined : 'spec declares isCausal: false'),
    async run(s) {
      const { model, out } = await s.fitted()
      const n = s.data.test.shape[0]
      for (const t of [Math.floor(n / 2), n - 2]) {
        assertSameOutputs(out, await model.predict(s.data.perturbAfter(t)), `bars after test row ${t} changed`, t + 1)
        assertSameOutputs(out, await model.predict(s.data.truncate(t)), `test input cut after row ${t}`, t + 1)
      }
    },
  },
  notFittedCheck<ModelSubject>(),
  {
    name: 'cancellation: an aborted fit or predict throws E_CANCELLED; a fit aborted mid-way leaves no model',
    async run(s) {
      const done = new AbortController()
      done.abort()
      await expectCode('fit with an aborted signal', () => s.make().fit(s.data.train, { signal: done.signal }), 'E_CANCELLED')
      const { model } = await s.fitted()
      await expectCode('predict with an aborted signal', () => model.predict(s.data.test, { signal: done.signal }), 'E_CANCELLED')
      // abort at the first progress report: the fit must reach another cancellation point
      // (ctx.progress / ctx.throwIfAborted) before it finishes
      const ac = new AbortController()
      const m = s.make()
      let reports = 0
      const err = await m.fit(s.data.train, { signal: ac.signal, onProgress: () => (reports++, ac.abort()) }).then(
        () => undefined,
        (e: unknown) => e,
      )
      assert.ok(err !== undefined, `fit ran to the end after being aborted at its first progress report (${reports} report(s)); call ctx.progress or ctx.throwIfAborted inside the training loop`)
      await expectCode('the aborted fit', () => Promise.reject(err), 'E_CANCELLED')
      await expectCode('predict after a cancelled first fit', () => m.predict(s.data.test), 'E_NOT_FITTED')
    },
  },
  {
    name: 'sample weights: declared needs.sampleWeights, so non-uniform weights change the fit',
    skip: (s) => (s.spec.needs.sampleWeights ? undefined : 'spec does not declare needs.sampleWeights'),
    async run(s) {
      const { out } = await s.fitted()
      const m = s.make()
      await m.fit({ ...s.data.train, weight: s.data.weights })
      const w = await m.predict(s.data.test)
      const changed = s.outputs.some((k) => out[k]!.some((v, i) => !Object.is(v, w[k]![i])))
      assert.ok(changed, 'predictions are identical with and without sample weights: the weights are ignored')
    },
  },
  {
    name: 'early stopping: declared needs.earlyStopping, so fit accepts a validation set and stays deterministic',
    skip: (s) => (s.spec.needs.earlyStopping ? undefined : 'spec does not declare needs.earlyStopping'),
    async run(s) {
      const fitWithValid = async () => {
        const m = s.make()
        await m.fit({ ...s.data.train, valid: s.data.valid })
        return m.predict(s.data.test)
      }
      const a = await fitWithValid()
      for (const k of s.outputs) assert.ok(a[k]!.every(Number.isFinite), `'${k}' not finite after early stopping`)
      assertSameOutputs(a, await fitWithValid(), 'two fits with the same validation set')
    },
  },
]
