import type { MetricRecord, MetricScope } from '../../contracts/runs.ts'
import type { Outputs } from '../../contracts/component.ts'
import type { IndexRange } from '../../data/splits/spec.ts'
import { commonRows, gather } from './alignment.ts'
import type { EvaluateFn } from './metrics.ts'

/** Predictions of one model as bar-indexed series (alignment.ts), one per output. */
export interface ModelSeries {
  model: string
  series: Readonly<Record<string, Float64Array>>
}

/**
 * Metrics of every model and output in one scope, all on the SAME rows: the bars inside `within`
 * where every model predicted (alignment rule 4), so numbers in one scope compare like with like.
 * Each model also gets `n`, the row count those metrics rest on (output null).
 */
export function scoreScope(
  models: readonly ModelSeries[],
  within: readonly IndexRange[],
  y: { label01: Float64Array; ret: Float64Array },
  evaluate: EvaluateFn,
  scope: MetricScope,
  fold: number | null,
): MetricRecord[] {
  const rows = commonRows(models.flatMap((m) => Object.values(m.series)), within)
  const label = gather(y.label01, rows)
  const ret = gather(y.ret, rows)
  const out: MetricRecord[] = []
  for (const m of models) {
    out.push({ scope, fold, model: m.model, output: null, name: 'n', value: rows.length })
    if (rows.length === 0) continue
    const outputs: Outputs = {}
    for (const [name, s] of Object.entries(m.series)) (outputs as Record<string, Float64Array>)[name] = gather(s, rows)
    for (const v of evaluate(outputs, { label, ret })) out.push({ scope, fold, model: m.model, output: v.output, name: v.name, value: v.value })
  }
  return out
}
