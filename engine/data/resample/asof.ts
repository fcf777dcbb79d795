import { FactoryError } from '../../contracts/errors.ts'
import type { ResampledBars } from './resample.ts'

/**
 * As-of join of a higher-timeframe (HTF) series back onto the base bars it was resampled from.
 *
 * Rule: base bar t opens at ts[t] and closes at ts[t] + baseBarMs. An HTF bar with bucket [s, e) is
 * usable at base bar t iff e ≤ ts[t] + baseBarMs, i.e. once the base bar that completes the
 * bucket has closed. With 1-minute base bars the 10:00–10:05 bar first appears at the 10:04 bar
 * (closing 10:05); if the 10:04 bar is missing, at the next bar that exists. A bucket cut short by
 * a closure (CME 14:00–15:15 CT) is usable at the bar closing at the cut.
 *
 * Every source bar of a usable HTF bar opens before e ≤ ts[t] + baseBarMs, so it is a bar ≤ t:
 * nothing after t can reach row t. The join checks that against `lastSourceIndex` as it goes.
 */
export function asOfIndex(baseTs: Float64Array, baseBarMs: number, htf: ResampledBars): Int32Array {
  const n = baseTs.length
  const m = htf.length
  const end = htf.bucketEnd
  const last = htf.lastSourceIndex
  const idx = new Int32Array(n)
  let j = -1
  for (let t = 0; t < n; t++) {
    const closeT = baseTs[t] + baseBarMs
    while (j + 1 < m && end[j + 1] <= closeT) j++
    // The HTF series must come from these very bars; a bar past t here would be a leak.
    if (j >= 0 && last[j] > t) {
      throw new FactoryError('E_LEAKAGE', `HTF bar ${j} (${new Date(htf.ts[j]).toISOString()}) aggregates base bar ${last[j]} but would be used at base bar ${t}; the HTF series was not resampled from these base bars`, {
        value: { htfIndex: j, lastSourceIndex: last[j], baseIndex: t },
      })
    }
    idx[t] = j
  }
  return idx
}

/** out[t] = col[idx[t]], NaN where no HTF bar has closed yet (idx −1). */
export function gatherAsOf(idx: Int32Array, col: Float64Array): Float64Array {
  const n = idx.length
  const out = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const j = idx[t]
    out[t] = j < 0 ? NaN : col[j]
  }
  return out
}
