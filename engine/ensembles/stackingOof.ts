import { FactoryError } from '../contracts/errors.ts'
import type { AbortSignalLike, Component, Outputs, ProgressInfo, SavedComponent, Targets, Tensor } from '../contracts/component.ts'
import type { EnsembleSpec } from '../contracts/specs.ts'
import type { IndexRange } from '../data/splits/index.ts'

/**
 * NESTED PURGED OOF for the meta-level. Members' OOF predictions are honest (each bar predicted by
 * a model that never trained on it), but a meta-learner fitted on ALL of them and then scored on
 * them would grade its own homework. So the ensemble's own out-of-fold series is built like the
 * members' was: for walk-forward fold k, fit the ensemble on the member-OOF rows of folds 0 … k−1
 * only, purged against fold k's test span with the split rules (splits/spec.ts rule 5b: a row i is
 * dropped when s_k − purge ≤ i or labelEnd[i] ≥ s_k), then predict fold k's test rows. Fold 0 has
 * no earlier OOF rows, so the ensemble has no OOF prediction there (NaN); compare it with members
 * on `commonRows` of all series, as alignment.ts prescribes.
 *
 * Inputs are indexed by BAR like every OOF series (pipeline/runner/alignment.ts): metaFeatures.x is
 * (n, w) with NaN where a member made no prediction; targets are length n with NaN where unlabelled.
 * A row trains the meta-level when its meta-features and the targets the ensemble learns from are
 * finite and its label lies inside the data (i ≤ labelEnd[i] < n).
 *
 * The final meta-model (predicting the final test span) is fitted on `finalMetaRows`: every usable
 * OOF row, purged against the final test start the same way.
 */

export interface OofFoldSpan {
  fold: number
  test: IndexRange
}

export interface MetaFeatures {
  /** (n, w), bar-indexed, NaN where no prediction */
  x: Tensor
  /** `<member>.<output>` and regime_prob_<k> (engine/ensembles/members.ts) */
  names: readonly string[]
}

export interface NestedOofOptions {
  /** bars purged before each fold's test span (the splits' purge) */
  purge: number
  /** a fold with fewer meta-training rows is not predicted (left NaN, `skipped` says why); default 50 */
  minRows?: number
  /** per-bar sample weights (length n) */
  weight?: Float64Array
  signal?: AbortSignalLike
  onProgress?: (p: ProgressInfo) => void
}

export interface NestedFold {
  fold: number
  test: IndexRange
  /** bars the fold's meta-model was fitted on (ascending) */
  trainRows: Int32Array
  /** usable earlier-fold rows dropped by the purge */
  purged: number
  /** test bars that received a prediction */
  predicted: number
  /** the fold's fitted ensemble (null when skipped) */
  saved: SavedComponent | null
  skipped?: string
}

export interface NestedOofResult {
  /** the ensemble's OOF series per output, length n, NaN where it made no prediction */
  oof: Outputs
  folds: NestedFold[]
}

const labelled = (i: number, le: number, n: number): boolean => le >= i && le < n

/** Which targets a combiner with these outputs learns from. */
export function targetsFor(outputs: readonly string[]): string[] {
  const t: string[] = []
  if (outputs.includes('p_up')) t.push('label')
  if (outputs.includes('E_r')) t.push('ret')
  return t
}

/** 1 where a bar can train the meta-level: meta-features and the needed targets finite, label inside the data. */
export function usableMetaRows(meta: Tensor, targets: Targets, need: readonly string[], labelEnd: Int32Array): Uint8Array {
  const [n, w] = meta.shape
  if (labelEnd.length !== n) throw new FactoryError('E_SHAPE', `labelEnd has ${labelEnd.length} bars but the meta-features have ${n}`, { value: labelEnd.length, valid: [n] })
  const ys = need.map((t) => {
    const y = targets[t]
    if (!y) throw new FactoryError('E_CONFIG', `the ensemble learns from y.${t}; got targets: ${Object.keys(targets).join(', ') || '(none)'}`, { path: `y.${t}`, valid: [t] })
    if (y.length !== n) throw new FactoryError('E_SHAPE', `y.${t} has ${y.length} bars but the meta-features have ${n}`, { path: `y.${t}`, value: y.length, valid: [n] })
    return y
  })
  const out = new Uint8Array(n)
  const d = meta.data
  for (let i = 0; i < n; i++) {
    if (!labelled(i, labelEnd[i], n)) continue
    let ok = true
    for (let j = 0, o = i * w; j < w; j++, o++) if (!Number.isFinite(d[o])) { ok = false; break }
    for (const y of ys) if (!Number.isFinite(y[i])) ok = false
    if (ok) out[i] = 1
  }
  return out
}

function checkFolds(folds: readonly OofFoldSpan[], n: number): void {
  folds.forEach((f, k) => {
    const { start, end } = f.test
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start < end && end <= n))
      throw new FactoryError('E_SPLIT', `nested OOF: fold ${f.fold} has test span [${start}, ${end}) outside 0 … ${n}`, { fold: f.fold, value: [start, end] })
    if (k > 0 && start < folds[k - 1].test.end)
      throw new FactoryError('E_SPLIT', `nested OOF needs walk-forward folds in time order with disjoint test spans; fold ${f.fold} starts at ${start}, before fold ${folds[k - 1].fold} ends at ${folds[k - 1].test.end}`, {
        fold: f.fold,
        value: start,
        valid: [`≥ ${folds[k - 1].test.end}`],
      })
  })
}

/** Usable rows inside `spans` that lie before `cut` by more than the purge and whose labels end before it. */
function rowsBefore(usable: Uint8Array, spans: readonly IndexRange[], labelEnd: Int32Array, cut: number, purge: number): { rows: Int32Array; purged: number } {
  const rows: number[] = []
  let purged = 0
  for (const s of spans)
    for (let i = s.start; i < Math.min(s.end, cut); i++) {
      if (!usable[i]) continue
      if (i >= cut - purge || labelEnd[i] >= cut) purged++
      else rows.push(i)
    }
  return { rows: Int32Array.from(rows), purged }
}

/** Meta-training rows of every fold: usable rows of the EARLIER folds' test spans, purged against this fold's test start. */
export function nestedMetaRows(usable: Uint8Array, labelEnd: Int32Array, folds: readonly OofFoldSpan[], purge: number): { fold: number; rows: Int32Array; purged: number }[] {
  checkFolds(folds, usable.length)
  return folds.map((f, k) => ({ fold: f.fold, ...rowsBefore(usable, folds.slice(0, k).map((g) => g.test), labelEnd, f.test.start, purge) }))
}

/** Rows for the final meta-model: usable OOF rows of every fold, purged against the final test start. */
export function finalMetaRows(usable: Uint8Array, labelEnd: Int32Array, folds: readonly OofFoldSpan[], finalStart: number, purge: number): { rows: Int32Array; purged: number } {
  checkFolds(folds, usable.length)
  return rowsBefore(usable, folds.map((f) => f.test), labelEnd, finalStart, purge)
}

/** Rows `rows` of a bar-indexed (n, w) tensor. */
export function gatherRows(x: Tensor, rows: Int32Array): Tensor {
  const w = x.shape[1]
  const out = new Float64Array(rows.length * w)
  for (let r = 0; r < rows.length; r++) out.set(x.data.subarray(rows[r] * w, rows[r] * w + w), r * w)
  return { data: out, shape: [rows.length, w] }
}

function gatherTargets(targets: Targets, need: readonly string[], rows: Int32Array): Record<string, Float64Array> {
  const y: Record<string, Float64Array> = {}
  for (const t of need) y[t] = Float64Array.from(rows, (i) => targets[t][i])
  return y
}

/**
 * The ensemble's honest OOF predictions: per fold, a fresh ensemble from `make()` fitted on the
 * nested meta-training rows and predicting that fold's test bars (those with all meta-features).
 */
export async function stackingOof(
  make: () => Component<EnsembleSpec>,
  metaFeatures: MetaFeatures,
  targets: Targets,
  labelEnd: Int32Array,
  folds: readonly OofFoldSpan[],
  opts: NestedOofOptions,
): Promise<NestedOofResult> {
  const { x, names } = metaFeatures
  const [n, w] = x.shape
  if (x.shape.length !== 2 || x.data.length !== n * w) throw new FactoryError('E_SHAPE', `meta-features must be (n, w) with n·w values; got shape (${x.shape.join(', ')}) holding ${x.data.length}`, { value: [...x.shape] })
  if (names.length !== w) throw new FactoryError('E_SHAPE', `meta-features have ${w} columns but ${names.length} names`, { value: names.length, valid: [w] })
  if (opts.weight && opts.weight.length !== n) throw new FactoryError('E_SHAPE', `weight has ${opts.weight.length} bars for ${n}`, { path: 'weight', value: opts.weight.length, valid: [n] })
  const minRows = opts.minRows ?? 50
  const probe = make()
  const need = targetsFor(probe.outputs)
  const usable = usableMetaRows(x, targets, need, labelEnd)
  const plan = nestedMetaRows(usable, labelEnd, folds, opts.purge)
  const oof: Outputs = {}
  for (const o of probe.outputs) oof[o] = new Float64Array(n).fill(NaN)
  const out: NestedFold[] = []
  for (let k = 0; k < folds.length; k++) {
    if (opts.signal?.aborted) throw new FactoryError('E_CANCELLED', `nested OOF was cancelled before fold ${folds[k].fold}`, {})
    opts.onProgress?.({ fraction: k / folds.length, message: `meta-level fold ${folds[k].fold}` })
    const { test } = folds[k]
    const { rows, purged } = plan[k]
    const testRows: number[] = []
    const d = x.data
    for (let i = test.start; i < test.end; i++) {
      let ok = true
      for (let j = 0, o = i * w; j < w; j++, o++) if (!Number.isFinite(d[o])) { ok = false; break }
      if (ok) testRows.push(i)
    }
    const base = { fold: folds[k].fold, test, trainRows: rows, purged }
    if (rows.length < minRows || testRows.length === 0) {
      const skipped = rows.length < minRows ? `${rows.length} meta-training rows from earlier folds (after purging ${purged}); need ${minRows}` : 'no test bar has every member prediction'
      out.push({ ...base, predicted: 0, saved: null, skipped })
      continue
    }
    const c = make()
    const callOpts = opts.signal ? { signal: opts.signal } : {}
    await c.fit({ x: gatherRows(x, rows), y: gatherTargets(targets, need, rows), names, ...(opts.weight ? { weight: Float64Array.from(rows, (i) => opts.weight![i]) } : {}) }, callOpts)
    const tr = Int32Array.from(testRows)
    const pred = await c.predict(gatherRows(x, tr), callOpts)
    for (const [o, col] of Object.entries(pred) as [keyof Outputs, Float64Array][]) {
      const series = oof[o]!
      for (let r = 0; r < tr.length; r++) series[tr[r]] = col[r]
    }
    out.push({ ...base, predicted: tr.length, saved: c.save() })
  }
  opts.onProgress?.({ fraction: 1 })
  return { oof, folds: out }
}
