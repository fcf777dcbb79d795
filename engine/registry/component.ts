import { FactoryError } from '../contracts/errors.ts'
import type { ErrorCode } from '../contracts/errors.ts'
import { validateParams } from '../contracts/params.ts'
import type { ParamValues } from '../contracts/params.ts'
import type { AnySpec, ComponentKind } from '../contracts/specs.ts'
import type { AnyOutputName } from '../contracts/outputs.ts'
import type {
  AbortSignalLike,
  CallOptions,
  Component,
  ComponentConfig,
  ComponentOptions,
  FitData,
  FitReport,
  JsonObject,
  JsonValue,
  NumericArray,
  Outputs,
  SavedComponent,
  Targets,
  Tensor,
} from '../contracts/component.ts'
import { createRng } from '../data/rng.ts'
import type { Rng } from '../data/rng.ts'

/**
 * The base every plug-in extends. It owns everything that must behave the same across plug-ins
 * (param validation and defaults, seeding, shape and NaN checks, the not-fitted guard, progress
 * and cancellation, the save/load envelope), so a plug-in writes only fitImpl / predictImpl /
 * saveState / loadState, and its constructor only stores params.
 */

export interface RunContext {
  /** fresh per call and seeded from the component's seed: two fits with one seed are identical */
  readonly rng: Rng
  /** report progress (fraction of this call, 0..1); also a cancellation point */
  progress(fraction: number, extra?: { epoch?: number; metrics?: Record<string, number>; message?: string }): void
  /** throw E_CANCELLED if the caller aborted; call it inside long loops */
  throwIfAborted(): void
}

export interface PluginState {
  state: JsonValue
  arrays?: Record<string, NumericArray>
}

/** `!(v - v === 0)` is true exactly for NaN and ±Infinity, in one comparison per value. */
function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]
    if (!(v - v === 0)) return i
  }
  return -1
}

function fmtShape(shape: readonly (number | string)[]): string {
  return `(${shape.join(', ')})`
}

const PREDICT_SEED_SALT = 0x9e3779b9

export abstract class BaseComponent<S extends AnySpec> implements Component<S> {
  readonly kind: ComponentKind
  readonly spec: S
  readonly params: ParamValues<S['defaults']>
  readonly seed: number
  /** bump when the layout of saveState() changes; load() refuses other versions */
  protected readonly stateVersion: number = 1
  private isFitted = false
  private inputShape: number[] | undefined
  private names: string[] | undefined

  constructor(kind: ComponentKind, spec: S, params: unknown, opts: ComponentOptions = {}) {
    this.kind = kind
    this.spec = spec
    this.params = validateParams(spec.defaults as S['defaults'], params, opts.paramPath ?? 'params')
    const seed = opts.seed ?? 0
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new FactoryError('E_PARAM', `invalid seed ${String(seed)} for ${this.label}; valid: integer ≥ 0`, { path: 'seed', value: seed })
    this.seed = seed
  }

  /** "model 'logistic'", for messages */
  get label(): string {
    return `${this.kind} '${this.spec.name}'`
  }

  /** Outputs of this instance; override `selectOutputs` when params choose a subset of spec.outputs. */
  get outputs(): readonly AnyOutputName[] {
    const chosen = this.selectOutputs()
    const declared: readonly string[] = this.spec.outputs
    for (const o of chosen)
      if (!declared.includes(o)) throw new FactoryError('E_SHAPE', `${this.label} selects output '${o}' that its spec does not declare; declared: ${declared.join(', ')}`, { value: o, valid: [...declared] })
    return chosen
  }

  protected selectOutputs(): readonly AnyOutputName[] {
    return this.spec.outputs as readonly AnyOutputName[]
  }

  get fitted(): boolean {
    return this.isFitted
  }

  protected abstract fitImpl(data: FitData, ctx: RunContext): Promise<JsonObject | void> | JsonObject | void
  protected abstract predictImpl(x: Tensor, ctx: RunContext): Promise<Outputs> | Outputs
  protected abstract saveState(): PluginState
  protected abstract loadState(state: JsonValue, arrays: Record<string, NumericArray>): void

  /** Rank the input must have: from the spec's view for models, (n, columns) otherwise. */
  protected inputRank(): number | undefined {
    if ('inputView' in this.spec) return this.spec.inputView === 'feature_matrix' ? 2 : this.spec.inputView === 'window_tensor' ? 3 : undefined
    return 2
  }

  async fit(data: FitData, opts: CallOptions = {}): Promise<FitReport> {
    const ctx = this.context('fit', opts, this.seed)
    ctx.throwIfAborted()
    const n = this.checkTensor(data.x, 'x', 'fit', undefined, data.names)
    if (n === 0) throw new FactoryError('E_EMPTY_DATA', `${this.label} cannot fit on 0 rows`, { value: 0 })
    const minRows = 'needs' in this.spec ? this.spec.needs.minTrainRows : undefined
    if (minRows !== undefined && n < minRows)
      throw new FactoryError('E_SHAPE', `${this.label} needs at least ${minRows} training rows, got ${n}`, { value: n, valid: [minRows] })
    this.checkSide(data.y, data.weight, n, 'fit')
    const width = data.x.shape[data.x.shape.length - 1]
    if (data.names && data.names.length !== width)
      throw new FactoryError('E_SHAPE', `${this.label} fit got ${data.names.length} names for ${width} columns`, { value: data.names.length, valid: [width] })
    if (data.valid) {
      const nv = this.checkTensor(data.valid.x, 'valid.x', 'fit', data.x.shape.slice(1), data.names)
      this.checkSide(data.valid.y, data.valid.weight, nv, 'fit (validation)', 'valid.')
    }
    // A failed refit must not leave the previous state looking usable.
    this.isFitted = false
    const t0 = performance.now()
    const info = (await this.fitImpl(data, ctx)) ?? {}
    this.inputShape = data.x.shape.slice(1)
    this.names = data.names ? [...data.names] : undefined
    this.isFitted = true
    ctx.finish()
    return { seconds: (performance.now() - t0) / 1000, info }
  }

  async predict(x: Tensor, opts: CallOptions = {}): Promise<Outputs> {
    this.assertFitted('predict')
    const ctx = this.context('predict', opts, (this.seed ^ PREDICT_SEED_SALT) >>> 0)
    ctx.throwIfAborted()
    const n = this.checkTensor(x, 'x', 'predict', this.inputShape)
    const out = await this.predictImpl(x, ctx)
    const declared: readonly string[] = this.outputs
    for (const name of declared) {
      const col = (out as Record<string, Float64Array | undefined>)[name]
      if (!(col instanceof Float64Array) || col.length !== n)
        throw new FactoryError('E_SHAPE', `${this.label} declared output '${name}' but returned ${col ? `${col.length} values` : 'nothing'} for ${n} rows`, { value: name, valid: [...declared] })
    }
    for (const name of Object.keys(out))
      if (!declared.includes(name))
        throw new FactoryError('E_SHAPE', `${this.label} returned undeclared output '${name}'; it produces: ${declared.join(', ')}`, { value: name, valid: [...declared] })
    return out
  }

  save(): SavedComponent {
    this.assertFitted('save')
    const { state, arrays } = this.saveState()
    return {
      config: this.getConfig(),
      stateVersion: this.stateVersion,
      inputShape: [...this.inputShape!],
      ...(this.names ? { names: [...this.names] } : {}),
      state,
      arrays: arrays ?? {},
    }
  }

  /** Restore into a component built from the same config (kind, name, params, seed). */
  load(saved: SavedComponent): void {
    const c = saved.config
    if (c.kind !== this.kind || c.name !== this.spec.name)
      throw new FactoryError('E_CONFIG', `cannot load a saved ${c.kind} '${c.name}' into ${this.label}`, { value: c.name, valid: [this.spec.name] })
    if (saved.stateVersion !== this.stateVersion)
      throw new FactoryError('E_CONFIG', `${this.label} cannot read saved state version ${saved.stateVersion}; this build reads version ${this.stateVersion}`, { value: saved.stateVersion, valid: [this.stateVersion] })
    const mine = this.getConfig()
    if (JSON.stringify(mine.params) !== JSON.stringify(c.params) || mine.seed !== c.seed)
      throw new FactoryError('E_CONFIG', `${this.label} was built with other params or seed than the saved one; build it from saved.config`, { value: c.params })
    this.isFitted = false
    this.loadState(saved.state, saved.arrays)
    this.inputShape = [...saved.inputShape]
    this.names = saved.names ? [...saved.names] : undefined
    this.isFitted = true
  }

  getConfig(): ComponentConfig {
    return { kind: this.kind, name: this.spec.name, seed: this.seed, params: JSON.parse(JSON.stringify(this.params)) as JsonObject }
  }

  // ---- checks ----

  private assertFitted(action: string): void {
    if (!this.isFitted)
      throw new FactoryError('E_NOT_FITTED', `${this.label} cannot ${action} before it is fitted; call fit() or load() first`, { value: this.spec.name })
  }

  /** Shape, size and finiteness of an input tensor; returns n. */
  private checkTensor(t: Tensor, what: string, action: string, sample?: readonly number[], names: readonly string[] | undefined = this.names): number {
    const { shape, data } = t
    const bad = (code: ErrorCode, msg: string, extra: Record<string, unknown> = {}): never => {
      throw new FactoryError(code, `${this.label} ${action}: ${what} ${msg}`, { path: what, ...extra })
    }
    if (!(data instanceof Float32Array || data instanceof Float64Array)) bad('E_SHAPE', 'must be a Float32Array or Float64Array')
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad('E_SHAPE', `has invalid shape ${fmtShape(shape)}`, { value: [...shape] })
    const rank = this.inputRank()
    if (rank !== undefined && shape.length !== rank)
      bad('E_SHAPE', `has shape ${fmtShape(shape)} but ${this.spec.name} expects rank ${rank}`, { value: [...shape], valid: [rank] })
    const size = shape.reduce((a, b) => a * b, 1)
    if (size !== data.length) bad('E_SHAPE', `holds ${data.length} values but shape ${fmtShape(shape)} needs ${size}`, { value: data.length, valid: [size] })
    if (sample && (sample.length !== shape.length - 1 || sample.some((d, i) => d !== shape[i + 1])))
      bad('E_SHAPE', `has shape ${fmtShape(shape)} but ${this.spec.name} was fitted on ${fmtShape(['n', ...sample])}`, {
        value: [...shape],
        valid: [...sample],
      })
    const k = firstNonFinite(data)
    if (k >= 0) {
      const rowSize = shape.slice(1).reduce((a, b) => a * b, 1)
      const row = Math.floor(k / rowSize)
      const col = k % shape[shape.length - 1]
      const name = names?.[col]
      const step = shape.length === 3 ? `, step ${Math.floor((k % rowSize) / shape[2])}` : ''
      bad('E_NAN_INPUT', `contains ${data[k]} at row ${row}${step}, column ${col}${name ? ` ('${name}')` : ''}; remove or impute such rows before ${action}`, {
        row,
        column: name ?? col,
        value: data[k],
      })
    }
    return shape[0]
  }

  private checkSide(y: Targets | undefined, w: Float64Array | undefined, n: number, action: string, prefix = ''): void {
    const cols: [string, ArrayLike<number>][] = Object.entries(y ?? {}).map(([k, v]) => [`${prefix}y.${k}`, v])
    if (w) cols.push([`${prefix}weight`, w])
    for (const [name, v] of cols) {
      if (v.length !== n) throw new FactoryError('E_SHAPE', `${this.label} ${action}: ${name} has ${v.length} values for ${n} rows`, { path: name, value: v.length, valid: [n] })
      const k = firstNonFinite(v)
      if (k >= 0)
        throw new FactoryError('E_NAN_INPUT', `${this.label} ${action}: ${name} contains ${v[k]} at row ${k}; drop unlabelled rows before ${action}`, { path: name, row: k, column: name, value: v[k] })
    }
  }

  private context(action: string, opts: CallOptions, seed: number): RunContext & { finish(): void } {
    let last = -1
    const signal: AbortSignalLike | undefined = opts.signal
    const throwIfAborted = (): void => {
      if (signal?.aborted)
        throw new FactoryError('E_CANCELLED', `${action} of ${this.label} was cancelled${signal.reason instanceof Error ? `: ${signal.reason.message}` : ''}`, {})
    }
    return {
      rng: createRng(seed),
      throwIfAborted,
      progress: (fraction, extra = {}) => {
        throwIfAborted()
        last = Math.min(1, Math.max(0, fraction))
        opts.onProgress?.({ fraction: last, ...extra })
      },
      // completion is always reported once, without a cancellation check: the work is done
      finish: () => {
        if (last < 1) opts.onProgress?.({ fraction: 1 })
      },
    }
  }
}
