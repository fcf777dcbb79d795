import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../contracts/errors.ts'
import { defineParams } from '../contracts/params.ts'
import type { ModelSpec } from '../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, ProgressInfo, Tensor } from '../contracts/component.ts'
import { BaseComponent } from './component.ts'
import type { PluginState, RunContext } from './component.ts'
import { registerModel, restoreComponent } from './index.ts'

// A test-only plug-in: a random linear projection squashed to p_up, plus the mean target return.
// The random projection makes its output depend on the seed, which is what the seeding tests need.
const spec = {
  name: 'test_dummy',
  description: 'random projection (tests only)',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'E_r'],
  needs: { normalization: 'scaled', minTrainRows: 3 },
  isCausal: true,
  zeroShot: false,
  defaults: defineParams({
    scale: { type: 'number', default: 1, min: 0, exclusiveMin: true },
    epochs: { type: 'int', default: 4, min: 1, max: 100 },
    bug: { type: 'enum', choices: ['none', 'drop_output', 'extra_output'], default: 'none' },
  }),
} satisfies ModelSpec

class Dummy extends BaseComponent<typeof spec> {
  w: Float64Array = new Float64Array(0)
  meanRet = 0

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const f = data.x.shape[1]
    this.w = new Float64Array(f)
    for (let e = 0; e < this.params.epochs; e++) {
      for (let j = 0; j < f; j++) this.w[j] = ctx.rng.normal() * this.params.scale
      ctx.progress((e + 1) / this.params.epochs, { epoch: e + 1, metrics: { loss: 1 / (e + 1) } })
    }
    const r = data.y?.ret ?? new Float64Array(0)
    this.meanRet = r.length ? r.reduce((a, b) => a + b, 0) / r.length : 0
    return { epochs: this.params.epochs }
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const p = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let z = 0
      for (let j = 0; j < f; j++) z += x.data[i * f + j] * this.w[j]
      p[i] = 1 / (1 + Math.exp(-z))
    }
    const out: Outputs = { p_up: p, E_r: new Float64Array(n).fill(this.meanRet) }
    if (this.params.bug === 'drop_output') delete out.E_r
    if (this.params.bug === 'extra_output') out.q05 = new Float64Array(n)
    return out
  }

  protected saveState(): PluginState {
    return { state: { meanRet: this.meanRet }, arrays: { w: this.w } }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    this.meanRet = (state as { meanRet: number }).meanRet
    this.w = arrays.w as Float64Array
  }
}

const make = (params: unknown = {}, seed = 7) => new Dummy('model', spec, params, { seed, paramPath: 'base_models[0].params' })

function matrix(n: number, f: number, seed = 1): Tensor {
  const data = new Float64Array(n * f)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898 + seed) * 2
  return { data, shape: [n, f] }
}

const train: FitData = { x: matrix(20, 3), y: { label: new Float64Array(20).fill(1), ret: new Float64Array(20).fill(0.5) }, names: ['a', 'b', 'c'] }

async function rejects(p: Promise<unknown> | (() => unknown), code: string, re?: RegExp): Promise<FactoryError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    assert.ok(e instanceof FactoryError, String(e))
    assert.equal(e.code, code, e.message)
    if (re) assert.match(e.message, re)
    return e
  }
  assert.fail(`expected ${code}`)
}

test('params are validated with the config path and filled with defaults', async () => {
  assert.deepEqual(make({ epochs: 2 }).params, { scale: 1, epochs: 2, bug: 'none' })
  const e = await rejects(() => make({ epochs: 0 }), 'E_PARAM', /base_models\[0\]\.params\.epochs: 0 is below the minimum/)
  assert.equal(e.details.path, 'base_models[0].params.epochs')
  await rejects(() => make({}, -1), 'E_PARAM', /invalid seed -1/)
})

test('same seed gives identical predictions, another seed different ones, refits repeat exactly', async () => {
  const a = make(), b = make(), c = make({}, 8)
  await a.fit(train)
  await b.fit(train)
  await c.fit(train)
  const x = matrix(5, 3, 9)
  const pa = (await a.predict(x)).p_up!
  assert.deepEqual((await b.predict(x)).p_up, pa)
  assert.notDeepEqual((await c.predict(x)).p_up, pa)
  await a.fit(train)
  assert.deepEqual((await a.predict(x)).p_up, pa)
  assert.deepEqual(a.getConfig(), { kind: 'model', name: 'test_dummy', seed: 7, params: { scale: 1, epochs: 4, bug: 'none' } })
})

test('predict and save before fit are refused with E_NOT_FITTED', async () => {
  const m = make()
  assert.equal(m.fitted, false)
  await rejects(m.predict(matrix(2, 3)), 'E_NOT_FITTED', /model 'test_dummy' cannot predict before it is fitted/)
  await rejects(() => m.save(), 'E_NOT_FITTED')
})

test('NaN or infinite inputs are rejected naming the row and column', async () => {
  const x = matrix(20, 3)
  x.data[2 * 3 + 1] = Number.NaN
  const e = await rejects(make().fit({ ...train, x }), 'E_NAN_INPUT', /x contains NaN at row 2, column 1 \('b'\)/)
  assert.equal(e.details.row, 2)
  assert.equal(e.details.column, 'b')

  const ret = new Float64Array(20)
  ret[17] = Number.POSITIVE_INFINITY
  await rejects(make().fit({ ...train, y: { ret } }), 'E_NAN_INPUT', /y\.ret contains Infinity at row 17/)

  const m = make()
  await m.fit(train)
  const xp = matrix(4, 3)
  xp.data[3 * 3 + 2] = Number.NEGATIVE_INFINITY
  await rejects(m.predict(xp), 'E_NAN_INPUT', /row 3, column 2 \('c'\)/)
})

test('shapes are checked: rank, size, fitted width, target lengths, minimum rows', async () => {
  await rejects(make().fit({ x: { data: new Float64Array(12), shape: [2, 3, 2] } }), 'E_SHAPE', /expects rank 2/)
  await rejects(make().fit({ x: { data: new Float64Array(11), shape: [4, 3] } }), 'E_SHAPE', /holds 11 values but shape \(4, 3\) needs 12/)
  await rejects(make().fit({ x: matrix(2, 3) }), 'E_SHAPE', /needs at least 3 training rows, got 2/)
  await rejects(make().fit({ x: matrix(20, 3), y: { label: new Float64Array(19) } }), 'E_SHAPE', /y\.label has 19 values for 20 rows/)
  await rejects(make().fit({ x: matrix(20, 3), names: ['a'] }), 'E_SHAPE', /1 names for 3 columns/)
  const m = make()
  await m.fit(train)
  await rejects(m.predict(matrix(4, 2)), 'E_SHAPE', /has shape \(4, 2\) but test_dummy was fitted on \(n, 3\)/)
  assert.deepEqual((await m.predict({ data: new Float64Array(0), shape: [0, 3] })).p_up, new Float64Array(0))
})

test('a plug-in must return exactly its declared outputs', async () => {
  const drop = make({ bug: 'drop_output' })
  await drop.fit(train)
  await rejects(drop.predict(matrix(3, 3)), 'E_SHAPE', /declared output 'E_r' but returned nothing/)
  const extra = make({ bug: 'extra_output' })
  await extra.fit(train)
  await rejects(extra.predict(matrix(3, 3)), 'E_SHAPE', /undeclared output 'q05'/)
})

test('progress is reported in order and cancellation stops fit with E_CANCELLED', async () => {
  const seen: ProgressInfo[] = []
  await make().fit(train, { onProgress: (p) => seen.push(p) })
  assert.deepEqual(seen.map((p) => p.fraction), [0.25, 0.5, 0.75, 1])
  assert.equal(seen[1].epoch, 2)
  assert.equal(seen[1].metrics?.loss, 0.5)
  const quiet: number[] = []
  await make({ epochs: 1 }).fit(train, { onProgress: (p) => quiet.push(p.fraction) })
  assert.deepEqual(quiet, [1])

  const ac = new AbortController()
  const m = make()
  await m.fit(train)
  const e = await rejects(
    m.fit(train, { signal: ac.signal, onProgress: (p) => p.fraction >= 0.5 && ac.abort(new Error('user pressed stop')) }),
    'E_CANCELLED',
    /fit of model 'test_dummy' was cancelled: user pressed stop/,
  )
  assert.ok(e)
  // the interrupted refit must not leave the old weights looking usable
  assert.equal(m.fitted, false)
  await rejects(make().fit(train, { signal: AbortSignal.abort() }), 'E_CANCELLED')
})

test('save → restore through the registry gives identical predictions; mismatches are refused', async () => {
  registerModel(spec, (params, opts) => new Dummy('model', spec, params, opts))
  const m = make({ epochs: 3 })
  await m.fit(train)
  const saved = m.save()
  assert.deepEqual(saved.inputShape, [3])
  assert.deepEqual(saved.names, ['a', 'b', 'c'])
  const restored = restoreComponent(saved)
  const x = matrix(6, 3, 4)
  assert.deepEqual(await restored.predict(x), await m.predict(x))

  await rejects(() => make({ epochs: 5 }).load(saved), 'E_CONFIG', /other params or seed/)
  await rejects(() => make({ epochs: 3 }).load({ ...saved, stateVersion: 2 }), 'E_CONFIG', /saved state version 2/)
  await rejects(() => make().load({ ...saved, config: { ...saved.config, name: 'other' } }), 'E_CONFIG', /cannot load a saved model 'other'/)
})

test('an instance may produce a declared subset of its spec outputs, and only that', async () => {
  const { BaseComponent } = await import('./component.ts')
  const { defineParams } = await import('../contracts/params.ts')
  const spec = {
    name: 'subset_probe', description: 'test only', family: 'tabular' as const, inputView: 'feature_matrix' as const,
    outputs: ['p_up', 'E_r'] as const, needs: { normalization: 'any' as const }, isCausal: true, zeroShot: false,
    defaults: defineParams({ heads: { type: 'enum', choices: ['p_up', 'both'], default: 'p_up' } }),
  }
  class Probe extends BaseComponent<any> {
    protected override selectOutputs() { return (this.params as any).heads === 'both' ? (['p_up', 'E_r'] as const) : (['p_up'] as const) }
    protected fitImpl() {}
    protected predictImpl(x: any) {
      const n = x.shape[0]
      return (this.params as any).heads === 'both' ? { p_up: new Float64Array(n).fill(0.5), E_r: new Float64Array(n) } : { p_up: new Float64Array(n).fill(0.5), E_r: new Float64Array(n) }
    }
    protected saveState() { return { state: null } }
    protected loadState() {}
  }
  const one = new Probe('model', spec as any, { heads: 'p_up' })
  assert.deepEqual(one.outputs, ['p_up'])
  const x = { data: new Float64Array(4), shape: [2, 2] }
  await one.fit({ x, y: { label: Float64Array.from([0, 1]) } })
  // returning an output the instance does not produce is refused
  await assert.rejects(one.predict(x), /undeclared output 'E_r'/)
  const both = new Probe('model', spec as any, { heads: 'both' })
  await both.fit({ x, y: { label: Float64Array.from([0, 1]) } })
  assert.deepEqual(Object.keys(await both.predict(x)).sort(), ['E_r', 'p_up'])
})
