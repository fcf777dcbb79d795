// The battery must be able to fail. A test-only linear model, correct by default, gets one
// deliberate bug at a time (a `bug` param); each bug must fail exactly the check aimed at it and
// pass the rest, so the checks are neither blind nor trigger-happy. The toys are never registered:
// they are run through modelSubject with their own restore function.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { defineParams } from '../../contracts/params.ts'
import { specProblems } from '../../contracts/specs.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import type { FitData, JsonValue, NumericArray, Outputs, SavedComponent, Tensor } from '../../contracts/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import type { ModelFactory } from '../../registry/index.ts'
import { runChecks } from './checks.ts'
import { MODEL_CHECKS, modelSubject } from './modelBattery.ts'

const BUGS = [
  'none',
  'peek_next_row', // p_up at row i also reads row i + 1
  'batch_stats', // centres inputs by the mean of the predict batch
  'unseeded', // a module-level counter leaks into every fit
  'lossy_save', // saves the weights as Float32Array
  'aliased_save', // saves the live weight array, which a refit overwrites in place
  'out_of_range', // emits the raw score as p_up
  'crossed_quantiles', // q05 above q50
  'no_cancel_point', // never reports progress while fitting
  'ignores_weights', // declares sampleWeights but never reads them
] as const

const defaults = defineParams({ bug: { type: 'enum', choices: BUGS, default: 'none' } })

const tabularSpec = {
  name: 'toy_linear',
  description: 'weighted class-mean difference, squashed (tests only)',
  family: 'tabular',
  inputView: 'feature_matrix',
  outputs: ['p_up', 'q05', 'q50', 'q95'],
  needs: { normalization: 'scaled', sampleWeights: true },
  isCausal: true,
  zeroShot: false,
  defaults,
} satisfies ModelSpec

const windowSpec = { ...tabularSpec, name: 'toy_window', inputView: 'window_tensor', needs: { normalization: 'scaled', lookback: 6, sampleWeights: true } } satisfies ModelSpec

let fitsSoFar = 0

class Toy extends BaseComponent<ModelSpec & { defaults: typeof defaults }> {
  private w: Float64Array = new Float64Array(0)
  private stats: Float64Array = new Float64Array(3) // intercept, mean ret, sd ret

  /** the sample's own bar: the whole row of a matrix, the last step of a window */
  private lastRow(x: Tensor, i: number): ArrayLike<number> {
    const f = x.shape[x.shape.length - 1]
    const size = x.shape.length === 3 ? x.shape[1] * f : f
    return x.data.subarray((i + 1) * size - f, (i + 1) * size)
  }

  protected fitImpl(data: FitData, ctx: RunContext): void {
    const n = data.x.shape[0]
    const f = data.x.shape[data.x.shape.length - 1]
    const y = data.y!.label
    const wt = this.params.bug === 'ignores_weights' ? undefined : data.weight
    const sums = [new Float64Array(f), new Float64Array(f)]
    const mass = [0, 0]
    for (let i = 0; i < n; i++) {
      const row = this.lastRow(data.x, i)
      const c = y[i]
      const wi = wt ? wt[i] : 1
      mass[c] += wi
      for (let j = 0; j < f; j++) sums[c][j] += wi * row[j]
    }
    if (this.params.bug !== 'no_cancel_point') ctx.progress(0.5)
    ctx.throwIfAborted()
    // 'aliased_save' keeps one array for life and overwrites it: whatever save() handed out changes
    const w = this.params.bug === 'aliased_save' && this.w.length === f ? this.w : new Float64Array(f)
    for (let j = 0; j < f; j++) w[j] = sums[1][j] / mass[1] - sums[0][j] / mass[0]
    if (this.params.bug === 'unseeded') w[0] += ++fitsSoFar * 1e-3
    const r = data.y!.ret
    const mean = r.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / n)
    this.w = w
    this.stats = Float64Array.of(Math.log(mass[1] / mass[0]), mean, sd)
  }

  protected predictImpl(x: Tensor): Outputs {
    const n = x.shape[0]
    const f = this.w.length
    const shift = new Float64Array(f)
    if (this.params.bug === 'batch_stats')
      for (let i = 0; i < n; i++) {
        const row = this.lastRow(x, i)
        for (let j = 0; j < f; j++) shift[j] += row[j] / n
      }
    const p = new Float64Array(n)
    const q05 = new Float64Array(n)
    const q50 = new Float64Array(n)
    const q95 = new Float64Array(n)
    const [b, mean, sd] = this.stats
    for (let i = 0; i < n; i++) {
      const row = this.lastRow(x, i)
      const next = this.params.bug === 'peek_next_row' && i + 1 < n ? this.lastRow(x, i + 1) : undefined
      let z = b
      for (let j = 0; j < f; j++) z += (row[j] - shift[j] + (next ? 0.5 * next[j] : 0)) * this.w[j]
      p[i] = this.params.bug === 'out_of_range' ? z : 1 / (1 + Math.exp(-z))
      q50[i] = mean + sd * (p[i] - 0.5)
      q05[i] = this.params.bug === 'crossed_quantiles' ? q50[i] + sd : q50[i] - 1.645 * sd
      q95[i] = q50[i] + 1.645 * sd
    }
    return { p_up: p, q05, q50, q95 }
  }

  protected saveState(): PluginState {
    const w = this.params.bug === 'lossy_save' ? Float32Array.from(this.w) : this.params.bug === 'aliased_save' ? this.w : this.w.slice()
    return { state: { stats: Array.from(this.stats) }, arrays: { w } }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    this.w = Float64Array.from(arrays.w)
    this.stats = Float64Array.from((state as { stats: number[] }).stats)
  }
}

const factoryOf =
  (spec: ModelSpec): ModelFactory =>
  (params, opts) =>
    new Toy('model', spec as ModelSpec & { defaults: typeof defaults }, params, opts)

async function failures(spec: ModelSpec, bug: (typeof BUGS)[number]): Promise<string[]> {
  const factory = factoryOf(spec)
  const restore = (s: SavedComponent) => {
    const c = factory(s.config.params, { seed: s.config.seed })
    c.load(s)
    return c
  }
  const results = await runChecks(MODEL_CHECKS, modelSubject(spec, factory, { params: { bug } }, restore))
  return results.filter((r) => r.status === 'fail').map((r) => `${r.check.split(':')[0]} — ${r.message}`)
}

const names = (list: string[]) => list.map((s) => s.split(' — ')[0])

test('the toy specs are valid specs', () => {
  assert.deepEqual(specProblems('model', tabularSpec), [])
  assert.deepEqual(specProblems('model', windowSpec), [])
})

const EXPECTED: Record<(typeof BUGS)[number], string[]> = {
  none: [],
  peek_next_row: ['prefix invariance'],
  batch_stats: ['prefix invariance'],
  unseeded: ['determinism'],
  lossy_save: ['save → JSON + copied arrays → load'],
  aliased_save: ['save → JSON + copied arrays → load'],
  out_of_range: ['outputs'],
  crossed_quantiles: ['outputs'],
  no_cancel_point: ['cancellation'],
  ignores_weights: ['sample weights'],
}

for (const spec of [tabularSpec, windowSpec] as ModelSpec[]) {
  for (const bug of BUGS) {
    test(`${spec.name} with bug '${bug}' fails exactly: ${EXPECTED[bug].join(', ') || 'nothing'}`, async () => {
      const got = await failures(spec, bug)
      assert.deepEqual(names(got), EXPECTED[bug], got.join('\n'))
    })
  }
}

test('failure messages say what went wrong and where', async () => {
  const [peek] = await failures(tabularSpec, 'peek_next_row')
  assert.match(peek, /bars after test row \d+ changed: 'p_up' differs at row \d+/)
  const [range] = await failures(tabularSpec, 'out_of_range')
  assert.match(range, /'p_up' = -?[\d.e-]+ at row \d+ is outside \[0, 1\]/)
  const [cross] = await failures(tabularSpec, 'crossed_quantiles')
  assert.match(cross, /q05 > q50 on 80 of 80 rows/)
  const [cancel] = await failures(tabularSpec, 'no_cancel_point')
  assert.match(cancel, /fit ran to the end after being aborted/)
})
