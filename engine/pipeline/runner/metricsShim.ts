import type { Outputs } from '../../contracts/component.ts'

/**
 * TEMPORARY: a minimal stand-in for engine/inference/metrics until that library lands; the runner
 * reaches metrics only through `EvaluateFn`, so swapping it is a one-line change in metrics.ts.
 */

export interface MetricValue {
  output: string
  name: string
  value: number
}

export function shimEvaluate(outputs: Outputs, y: { label: Float64Array; ret: Float64Array }): MetricValue[] {
  const out: MetricValue[] = []
  const p = outputs.p_up
  if (p) {
    let ll = 0, br = 0, acc = 0
    for (let i = 0; i < p.length; i++) {
      const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]))
      ll -= y.label[i] ? Math.log(q) : Math.log(1 - q)
      br += (p[i] - y.label[i]) ** 2
      acc += (p[i] >= 0.5 ? 1 : 0) === y.label[i] ? 1 : 0
    }
    const n = p.length
    out.push({ output: 'p_up', name: 'auc', value: auc(p, y.label) })
    out.push({ output: 'p_up', name: 'log_loss', value: n ? ll / n : NaN })
    out.push({ output: 'p_up', name: 'brier', value: n ? br / n : NaN })
    out.push({ output: 'p_up', name: 'accuracy', value: n ? acc / n : NaN })
  }
  const e = outputs.E_r
  if (e) {
    let mae = 0
    for (let i = 0; i < e.length; i++) mae += Math.abs(e[i] - y.ret[i])
    out.push({ output: 'E_r', name: 'mae', value: e.length ? mae / e.length : NaN })
    out.push({ output: 'E_r', name: 'ic', value: pearson(e, y.ret) })
  }
  return out
}

function auc(p: Float64Array, y: Float64Array): number {
  const idx = Array.from(p.keys()).sort((a, b) => p[a] - p[b])
  let rankSum = 0, pos = 0
  for (let i = 0; i < idx.length; ) {
    let j = i
    while (j + 1 < idx.length && p[idx[j + 1]] === p[idx[i]]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (y[idx[k]]) { rankSum += rank; pos++ }
    i = j + 1
  }
  const neg = p.length - pos
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : NaN
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length
  if (n < 2) return NaN
  let ma = 0, mb = 0
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i] }
  ma /= n; mb /= n
  let sab = 0, saa = 0, sbb = 0
  for (let i = 0; i < n; i++) { const da = a[i] - ma, db = b[i] - mb; sab += da * db; saa += da * da; sbb += db * db }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN
}
