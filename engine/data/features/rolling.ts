/**
 * Causal rolling-window statistics in one O(n) pass. A window is [t − window + 1, t]; the output at
 * t is NaN until the window is full and whenever it holds a non-finite value (pandas
 * `rolling(window)` with min_periods = window). Non-finite inputs are kept out of the running state
 * and counted, so one NaN blanks exactly the `window` rows that can see it.
 *
 * Running updates accumulate rounding error; after a volatile stretch that residue can dwarf the
 * variance of a later quiet stretch. Every `window` rows (when the window is clean) the state is
 * recomputed exactly from the window, which costs one extra pass in total and bounds the error to
 * what one window's worth of updates can add. The state is also centred on a recent value (see below),
 * the "shifted data" variance method, which keeps digits when std is tiny against the mean.
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
  // State is kept for y = x − shift, shift a recent data value: for prices, x − shift is exact
  // (Sterbenz) and small, so mean and m2 keep their digits even when std ≪ |mean|.
  let shift = NaN
  let count = 0
  let mean = 0
  let m2 = 0
  let m2Peak = 0
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
    if (inOk && count === 0 && !outOk) shift = xin
    const yin = xin - shift
    const yout = xout - shift
    if (inOk && outOk) {
      // Welford replace at constant count: the mean shifts by (in − out)/count
      const d = yin - yout
      const newMean = mean + d / count
      m2 += d * (yin - newMean + yout - mean)
      mean = newMean
    } else if (inOk) {
      count++
      const d = yin - mean
      mean += d / count
      m2 += d * (yin - mean)
    } else if (outOk) {
      count--
      if (count === 0) {
        mean = 0
        m2 = 0
        m2Peak = 0
      } else {
        const d = yout - mean
        mean -= d / count
        m2 -= d * (yout - mean)
      }
    }
    if (m2 > m2Peak) m2Peak = m2
    if (t < window - 1 || bad !== 0) {
      if (meanOut) meanOut[t] = NaN
      if (stdOut) stdOut[t] = NaN
      continue
    }
    // Resync on schedule, and early when m2 has fallen 1e4× below its peak since the last resync:
    // the rounding residue left by the large values that just left would otherwise dominate.
    // Each early resync needs large values to leave the window, so the cost stays amortised O(1).
    if (t % window === window - 1 || m2 < 1e-4 * m2Peak) {
      // exact resync: re-centre on the newest value and redo the window in two passes
      shift = xin
      let s = 0
      for (let j = t - window + 1; j <= t; j++) s += x[j] - shift
      mean = s / window
      m2 = 0
      for (let j = t - window + 1; j <= t; j++) {
        const d = x[j] - shift - mean
        m2 += d * d
      }
      m2Peak = m2
    }
    if (meanOut) meanOut[t] = shift + mean
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
