/**
 * Causal rolling-window statistics in one O(n) pass. A window is [t − window + 1, t]; the output at
 * t is NaN until the window is full and whenever it holds a non-finite value (pandas
 * `rolling(window)` with min_periods = window). Non-finite inputs are kept out of the running state
 * and counted, so one NaN blanks exactly the `window` rows that can see it.
 *
 * Running updates accumulate rounding error; after a volatile stretch that residue can dwarf the
 * variance of a later quiet stretch. Every `window` rows (when the window is clean) the state is
 * recomputed exactly from the window, which costs one extra pass in total and bounds the error to
 * what one window's worth of updates can add.
 */

/** Rolling mean and standard deviation (ddof 0 = population, 1 = sample as pandas' default). */
export function rollingMeanStd(
  x: Float64Array,
  window: number,
  ddof: 0 | 1,
  meanOut: Float64Array | null,
  stdOut: Float64Array | null,
): void {
  const n = x.length
  let count = 0
  let mean = 0
  let m2 = 0
  let bad = 0
  for (let t = 0; t < n; t++) {
    const xin = x[t]
    const inOk = xin - xin === 0
    if (!inOk) bad++
    let outOk = false
    let xout = 0
    if (t >= window) {
      xout = x[t - window]
      if (xout - xout === 0) outOk = true
      else bad--
    }
    if (inOk && outOk) {
      // Welford replace at constant count: the mean shifts by (in − out)/count
      const d = xin - xout
      const newMean = mean + d / count
      m2 += d * (xin - newMean + xout - mean)
      mean = newMean
    } else if (inOk) {
      count++
      const d = xin - mean
      mean += d / count
      m2 += d * (xin - mean)
    } else if (outOk) {
      count--
      if (count === 0) {
        mean = 0
        m2 = 0
      } else {
        const d = xout - mean
        mean -= d / count
        m2 -= d * (xout - mean)
      }
    }
    if (t < window - 1 || bad !== 0) {
      if (meanOut) meanOut[t] = NaN
      if (stdOut) stdOut[t] = NaN
      continue
    }
    if (t % window === window - 1) {
      // exact resync (two-pass over the clean window)
      let s = 0
      for (let j = t - window + 1; j <= t; j++) s += x[j]
      mean = s / window
      m2 = 0
      for (let j = t - window + 1; j <= t; j++) {
        const d = x[j] - mean
        m2 += d * d
      }
    }
    if (meanOut) meanOut[t] = mean
    if (stdOut) stdOut[t] = Math.sqrt((m2 > 0 ? m2 : 0) / (window - ddof))
  }
}

export function rollingMean(x: Float64Array, window: number): Float64Array {
  const out = new Float64Array(x.length)
  rollingMeanStd(x, window, 1, out, null)
  return out
}

export function rollingStd(x: Float64Array, window: number, ddof: 0 | 1 = 1): Float64Array {
  const out = new Float64Array(x.length)
  rollingMeanStd(x, window, ddof, null, out)
  return out
}

/** Rolling sum, same NaN and resync rules as rollingMeanStd. */
export function rollingSum(x: Float64Array, window: number): Float64Array {
  const n = x.length
  const out = new Float64Array(n)
  let s = 0
  let bad = 0
  for (let t = 0; t < n; t++) {
    const xin = x[t]
    if (xin - xin === 0) s += xin
    else bad++
    if (t >= window) {
      const xout = x[t - window]
      if (xout - xout === 0) s -= xout
      else bad--
    }
    if (t < window - 1 || bad !== 0) {
      out[t] = NaN
      continue
    }
    if (t % window === window - 1) {
      s = 0
      for (let j = t - window + 1; j <= t; j++) s += x[j]
    }
    out[t] = s
  }
  return out
}

/**
 * A standard deviation this small relative to the mean is rounding residue of a flat window (the
 * exact answer is 0); callers dividing by it treat the window as flat instead of amplifying noise.
 */
export function isFlat(std: number, mean: number): boolean {
  return !(std > 1e-12 * Math.abs(mean))
}
