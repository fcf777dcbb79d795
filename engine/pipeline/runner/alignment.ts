import { FactoryError } from '../../contracts/errors.ts'

/**
 * THE OOF ALIGNMENT RULE — how predictions of different models and folds are put side by side.
 *
 * 1. A prediction series is stored per (model, output) as a Float64Array of length n (the bar
 *    count), indexed by BAR INDEX: oof[i] is the prediction made for the sample at bar i.
 * 2. oof[i] is NaN where the model made no prediction: outside every test span, and on bars of a
 *    test span that are not usable for that model (feature warm-up, a window with an invalid
 *    row, an invalid label or a non-finite forward return).
 * 3. Each bar of a fold's test span gets the prediction of that fold's model — the model that
 *    never trained on it. Walk-forward test spans are disjoint, so every bar has at most one
 *    fold. For CPCV, where a group is tested by several splits, backtest path 0 decides: group g
 *    takes the split paths[0][g] (the other splits' predictions are still stored per fold).
 *    Writing a bar twice is an error, never a silent overwrite.
 * 4. Models have different warm-ups (a window model with T = 64 starts 63 bars after a tabular
 *    model on the same features), so their NaN prefixes differ. Anything that COMBINES models —
 *    metric comparisons now, ensembles later — uses only the intersection of their non-NaN rows:
 *    `commonRows`. Never fill, shift or truncate one series to match another.
 */

export function emptySeries(n: number): Float64Array {
  return new Float64Array(n).fill(NaN)
}

/** Write `values[r]` at bar `bars[r]`; refuses a bar outside [0, n) or one already written. */
export function scatterAt(series: Float64Array, bars: Int32Array, values: Float64Array, what: string): void {
  if (bars.length !== values.length) {
    throw new FactoryError('E_SHAPE', `${what}: ${values.length} predictions for ${bars.length} bars`, { value: values.length, valid: [bars.length] })
  }
  const n = series.length
  for (let r = 0; r < bars.length; r++) {
    const b = bars[r]
    if (!(b >= 0 && b < n)) throw new FactoryError('E_SHAPE', `${what}: bar ${b} is outside 0..${n - 1}`, { value: b, valid: [`0..${n - 1}`] })
    if (!Number.isNaN(series[b])) {
      throw new FactoryError('E_LEAKAGE', `${what}: bar ${b} already has a prediction from another fold; each bar takes the prediction of exactly one fold`, { value: b })
    }
    series[b] = values[r]
  }
}

/**
 * Ascending bar indices where every series is non-NaN (optionally only inside `within`, a list of
 * half-open [start, end) spans). With no series the result is empty.
 */
export function commonRows(series: readonly Float64Array[], within?: readonly { start: number; end: number }[]): Int32Array {
  if (series.length === 0) return new Int32Array(0)
  const n = series[0].length
  for (const s of series) {
    if (s.length !== n) throw new FactoryError('E_SHAPE', `commonRows: series of ${s.length} bars next to one of ${n}; every series is indexed by bar over the same bars`, { value: s.length, valid: [n] })
  }
  const spans = within ?? [{ start: 0, end: n }]
  const out: number[] = []
  for (const { start, end } of spans) {
    for (let i = Math.max(0, start); i < Math.min(n, end); i++) {
      let ok = true
      for (const s of series) if (Number.isNaN(s[i])) { ok = false; break }
      if (ok) out.push(i)
    }
  }
  return Int32Array.from(out)
}

/** series[rows[r]] for each r. */
export function gather(series: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length)
  for (let r = 0; r < rows.length; r++) out[r] = series[rows[r]]
  return out
}
