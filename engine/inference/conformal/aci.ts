import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../contracts/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import type { PluginState, RunContext } from '../../registry/component.ts'
import { registerInference } from '../../registry/index.ts'
import { cqrScore } from './cqr.ts'
import { upperRank } from './quantile.ts'
import { COVERAGE_PARAM, INTERVAL_OUTPUTS, checkNames, intervalOutputs, savedArray } from './shared.ts'

/**
 * Adaptive conformal inference (Gibbs & Candès 2021) for series whose score distribution drifts.
 *
 * The split (|y − ŷ|) or CQR (max(q_lo − y, y − q_hi)) scores of a stream are compared with the
 * conformal quantile of the scores seen so far, at a level that adapts online:
 *     Q_t = the ⌈(m+1)(1 − α_t)⌉-th smallest of the m pooled scores (+∞ past m, −∞ below 1),
 *     err_t = 1 when score_t > Q_t,   α_{t+1} = α_t + γ(α − err_t),   α_1 = α = 1 − coverage.
 * Whatever the drift, |mean err − α| ≤ (max(α, 1 − α) + γ)/(γT) over T rows (their Prop. 4.1),
 * because α_t ≤ 0 gives an infinite interval and α_t ≥ 1 an empty one (lo > hi, width 0).
 *
 * Causality: the interval of row t uses only scores of rows ≤ t − delay. A row's outcome is known
 * only once its label horizon has passed, so the runner must set `delay` to the horizon H (bars);
 * the default 1 is the paper's one-step-ahead setting ("rows < t").
 *
 * Input layout, the same at fit and predict (one matrix serves both):
 *   base 'split': x = (rows, 2) columns [E_r, ret];  base 'cqr': x = (rows, 3) [q05, q95, ret]
 *   where ret is the realised outcome of the row. fit reads x only (y is not used): its rows are
 *   the calibration scores the pool starts with. predict runs the online recursion over its rows
 *   in order, from α_1 and the fitted pool every call (predict is pure; pass the whole stream).
 *   The last `delay` rows' outcomes are never read for the intervals, so a live stream may carry
 *   any finite placeholder there.
 */

const spec = {
  name: 'aci',
  description: 'adaptive conformal inference: online α_t keeps long-run coverage on drifting series',
  category: 'conformal',
  // Static, so it describes the default base 'split'. With base 'cqr' the real inputs are q05/q95,
  // which the config validator cannot see from a spec (README.md, "Known gaps").
  inputs: ['E_r'],
  outputs: INTERVAL_OUTPUTS,
  requiresHoldout: true,
  defaults: defineParams({
    coverage: COVERAGE_PARAM,
    gamma: { type: 'number', default: 0.005, min: 0, max: 1, description: 'step size γ of the α_t update; 0 = plain split conformal on a growing pool' },
    base: { type: 'enum', choices: ['split', 'cqr'], default: 'split', description: 'split: scores |ret − E_r|; cqr: scores max(q05 − ret, ret − q95)' },
    delay: { type: 'int', default: 1, min: 1, max: 1_000_000, description: 'bars until a row’s outcome is known (set to the label horizon); row t uses scores of rows ≤ t − delay' },
    window: { type: 'int', default: null, nullable: true, min: 1, description: 'score pool = the most recent `window` scores; null = all scores so far' },
  }),
} satisfies InferenceSpec

const COLUMNS = { split: ['E_r', 'ret'], cqr: ['q05', 'q95', 'ret'] } as const

/** Conformity scores of rows laid out as described above. */
function scoresOf(x: Tensor, base: 'split' | 'cqr'): Float64Array {
  const n = x.shape[0]
  const d = x.data
  const s = new Float64Array(n)
  if (base === 'split') for (let i = 0; i < n; i++) s[i] = Math.abs(d[2 * i + 1] - d[2 * i])
  else for (let i = 0; i < n; i++) s[i] = cqrScore(d[3 * i], d[3 * i + 1], d[3 * i + 2])
  return s
}

/**
 * A multiset of scores with O(log N) insert, remove and k-th smallest: a Fenwick tree over the
 * ranks of every score that can ever enter (known up front, so ranks are fixed). Sorting all
 * scores first does not leak: only inserted scores are ever counted.
 */
class RankPool {
  private readonly tree: Int32Array
  private readonly sorted: Float64Array
  readonly rank: Int32Array
  private top: number
  count = 0

  constructor(values: Float64Array) {
    const n = values.length
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b)
    this.sorted = new Float64Array(n)
    this.rank = new Int32Array(n)
    order.forEach((idx, r) => {
      this.sorted[r] = values[idx]
      this.rank[idx] = r
    })
    this.tree = new Int32Array(n + 1)
    this.top = 1
    while (this.top * 2 <= n) this.top *= 2
  }

  add(idx: number, delta: 1 | -1): void {
    for (let p = this.rank[idx] + 1; p < this.tree.length; p += p & -p) this.tree[p] += delta
    this.count += delta
  }

  /** k-th smallest pooled score (1-based), −∞ for k < 1 and +∞ for k > count. */
  kth(k: number): number {
    if (k < 1) return -Infinity
    if (k > this.count) return Infinity
    let pos = 0
    let rem = k
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step
      if (next < this.tree.length && this.tree[next] < rem) {
        pos = next
        rem -= this.tree[next]
      }
    }
    return this.sorted[pos]
  }
}

export interface AciOptions {
  coverage: number
  gamma: number
  delay: number
  window: number | null
}

/** Q_t for every stream row (the online recursion above), given calibration and stream scores. */
export function aciThresholds(calibration: Float64Array, stream: Float64Array, o: AciOptions, ctx?: RunContext): Float64Array {
  const n = calibration.length
  const T = stream.length
  const all = new Float64Array(n + T)
  all.set(calibration)
  all.set(stream, n)
  const pool = new RankPool(all)
  const cap = o.window ?? Infinity
  // pool members are always a contiguous run [oldest, newest] of `all`, so eviction is FIFO
  let oldest = Math.max(0, n - (Number.isFinite(cap) ? cap : n))
  for (let i = oldest; i < n; i++) pool.add(i, 1)
  const alpha = 1 - o.coverage
  let alphaT = alpha
  const err = new Uint8Array(T)
  const q = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    const s = t - o.delay
    if (s >= 0) {
      pool.add(n + s, 1)
      if (pool.count > cap) pool.add(oldest++, -1)
      alphaT = alphaT + o.gamma * (alpha - err[s])
    }
    const qt = pool.kth(upperRank(pool.count, 1 - alphaT))
    q[t] = qt
    err[t] = stream[t] > qt ? 1 : 0
    if (ctx && (t & 8191) === 8191) ctx.progress(t / T)
  }
  return q
}

class Aci extends BaseComponent<typeof spec> {
  private calibration: Float64Array = new Float64Array(0)

  private checkLayout(x: Tensor, names: readonly string[] | undefined): void {
    const cols = COLUMNS[this.params.base]
    checkNames(this.label, names, cols)
    if (x.shape[1] !== cols.length)
      throw new FactoryError('E_SHAPE', `${this.label} with base '${this.params.base}' takes x = (n, ${cols.length}): columns [${cols.join(', ')}]; got ${x.shape[1]} columns`, {
        path: 'x',
        value: x.shape[1],
        valid: [cols.length],
      })
  }

  protected fitImpl(data: FitData): JsonObject {
    this.checkLayout(data.x, data.names)
    this.calibration = scoresOf(data.x, this.params.base)
    return { n: this.calibration.length }
  }

  protected predictImpl(x: Tensor, ctx: RunContext): Outputs {
    const base = this.params.base
    const q = aciThresholds(this.calibration, scoresOf(x, base), this.params, ctx)
    const n = x.shape[0]
    const w = x.shape[1]
    const lo = new Float64Array(n)
    const hi = new Float64Array(n)
    for (let t = 0; t < n; t++) {
      const o = t * w
      lo[t] = x.data[o] - q[t]
      hi[t] = x.data[o + (base === 'split' ? 0 : 1)] + q[t]
    }
    return intervalOutputs(lo, hi)
  }

  protected saveState(): PluginState {
    return { state: {}, arrays: { calibration: this.calibration.slice() } }
  }

  protected loadState(_state: JsonValue, arrays: Record<string, NumericArray>): void {
    this.calibration = savedArray(this.label, arrays, 'calibration')
  }
}

registerInference(spec, (params, opts) => new Aci('inference', spec, params, opts))
