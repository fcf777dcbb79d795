import { FactoryError } from '../../contracts/errors.ts'
import type { FeatureMatrix } from './featureMatrix.ts'

/**
 * The `window_tensor` view (n, T, f) over a feature matrix, without materialising it: a year of
 * 1-minute bars with T = 64 and 16 features would be 2.1 GB as a dense tensor. Because the matrix
 * is row-major, the window ending at bar i (rows i−T+1 … i) is already one contiguous run of
 * T·f floats, so `window(i)` is a zero-copy subarray. Windows are addressed by bar index and end
 * at that bar inclusive: window i never reads a row after i.
 */

export interface WindowTensor {
  readonly n: number
  readonly T: number
  readonly f: number
  readonly shape: readonly [number, number, number]
  /** first bar with a complete window (index[0] + T − 1) */
  readonly firstBar: number
  /** last bar (index[n − 1]) */
  readonly lastBar: number
  /** T×f rows ending at `bar`: a view into the matrix (do not write to it), or copied into `out` */
  window(bar: number, out?: Float32Array): Float32Array
  /** true iff the window is complete and all T rows are valid */
  valid(bar: number): boolean
  /** B windows into a (B, T, f) buffer (allocated if not given); refuses incomplete or invalid windows */
  batch(bars: ArrayLike<number>, out?: Float32Array): Float32Array
  /** every bar whose window is valid, ascending */
  validBars(): Int32Array
}

export function windowTensor(m: FeatureMatrix, T: number): WindowTensor {
  const { n, f, data, index } = m
  if (!Number.isInteger(T) || T < 1 || T > n) {
    throw new FactoryError('E_PARAM', `invalid window length T = ${T}: need an integer in 1..${n} (rows in the matrix)`, { path: 'T', value: T, valid: [`1..${n}`] })
  }
  const first = index[0]
  if (index[n - 1] !== first + n - 1) {
    throw new FactoryError('E_SHAPE', 'windowTensor needs a matrix over contiguous bars (index[r] = index[0] + r)', { path: 'index', value: [first, index[n - 1]], valid: [`${first}..${first + n - 1}`] })
  }
  // invalidBefore[r] = invalid rows among 0..r−1: a window's validity is one subtraction.
  const invalidBefore = new Int32Array(n + 1)
  for (let r = 0; r < n; r++) invalidBefore[r + 1] = invalidBefore[r] + (m.valid[r] ? 0 : 1)
  const size = T * f
  const firstBar = first + T - 1
  const lastBar = first + n - 1

  const rowOf = (bar: number): number => {
    if (!Number.isInteger(bar) || bar < firstBar || bar > lastBar) {
      throw new FactoryError('E_SHAPE', `no complete ${T}-bar window ends at bar ${bar}; windows exist for bars ${firstBar}..${lastBar}`, {
        path: 'bar',
        value: bar,
        valid: [`${firstBar}..${lastBar}`],
      })
    }
    return bar - first
  }
  const validRow = (r: number): boolean => invalidBefore[r + 1] - invalidBefore[r + 1 - T] === 0

  return {
    n,
    T,
    f,
    shape: [n, T, f],
    firstBar,
    lastBar,
    window(bar, out) {
      const r = rowOf(bar)
      const view = data.subarray((r + 1 - T) * f, (r + 1) * f)
      if (out === undefined) return view
      if (out.length < size) {
        throw new FactoryError('E_SHAPE', `window buffer holds ${out.length} floats; a ${T}×${f} window needs ${size}`, { path: 'out', value: out.length, valid: [size] })
      }
      out.set(view)
      return out
    },
    valid(bar) {
      if (!Number.isInteger(bar) || bar < firstBar || bar > lastBar) return false
      return validRow(bar - first)
    },
    batch(bars, out) {
      const B = bars.length
      const buf = out ?? new Float32Array(B * size)
      if (buf.length !== B * size) {
        throw new FactoryError('E_SHAPE', `batch buffer holds ${buf.length} floats; (${B}, ${T}, ${f}) needs ${B * size}`, { path: 'out', value: buf.length, valid: [B * size] })
      }
      for (let b = 0; b < B; b++) {
        const r = rowOf(bars[b])
        if (!validRow(r)) {
          throw new FactoryError('E_NAN_INPUT', `window ending at bar ${bars[b]} (batch item ${b}) has a row with a non-finite feature; sample from validBars()`, {
            path: `bars[${b}]`,
            value: bars[b],
          })
        }
        buf.set(data.subarray((r + 1 - T) * f, (r + 1) * f), b * size)
      }
      return buf
    },
    validBars() {
      let count = 0
      for (let r = T - 1; r < n; r++) if (validRow(r)) count++
      const out = new Int32Array(count)
      let k = 0
      for (let r = T - 1; r < n; r++) if (validRow(r)) out[k++] = first + r
      return out
    },
  }
}
