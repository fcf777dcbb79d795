import { lineOf, type CheckContext } from './context.ts'
import { isoUtc } from './findings.ts'

/** Walking a gap minute by minute is fine for weekends; a bogus far-future stamp must not loop for hours. */
const MAX_GAP_WALK_BARS = 2_000_000

export interface GapStats {
  gaps: number
  missingBars: number
  /** gaps bucketed by missing bars: ≤ 10, 11–240, > 240 */
  histogram: { upTo10: number; upTo240: number; over240: number }
}

/**
 * unsorted: a kept row stamped earlier than one before it in the file. drop removes it (the running
 * maximum stays); warn keeps it and returns the rows in time order (stable sort) so that later
 * stages see sorted bars — the report says how many rows were out of order.
 * Returns the kept row indices in time order.
 */
export function runUnsorted(c: CheckContext): Int32Array {
  const { bars: b, keep, file } = c
  const log = c.logs.unsorted
  const drop = c.policies.unsorted === 'drop'
  let max = -Infinity
  let maxLine = 0
  let n = 0
  let any = false
  for (let i = 0; i < b.length; i++) {
    if (!keep[i]) continue
    const t = b.ts[i]
    if (t < max) {
      any = true
      if (log.hit()) log.keep({ file, line: lineOf(c, i), column: 'timestamp', value: isoUtc(t), message: `timestamp ${isoUtc(t)} is earlier than ${isoUtc(max)} on line ${maxLine} (rows are not in time order)` })
      if (drop) {
        keep[i] = 0
        continue
      }
    } else {
      max = t
      maxLine = lineOf(c, i)
    }
    n++
  }
  const order = new Int32Array(n)
  let j = 0
  for (let i = 0; i < b.length; i++) if (keep[i]) order[j++] = i
  if (any && !drop) {
    const ts = b.ts
    // Array.prototype.sort is stable; ties keep file order so duplicates report the later line
    const sorted = Array.from(order).sort((x, y) => ts[x] - ts[y] || x - y)
    order.set(sorted)
  }
  return order
}

/** duplicate_timestamp: equal stamps after ordering. drop keeps the first occurrence. */
export function runDuplicates(c: CheckContext, order: Int32Array): void {
  const { bars: b, keep, file } = c
  const log = c.logs.duplicate_timestamp
  const drop = c.policies.duplicate_timestamp === 'drop'
  let prev = -1
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    if (!keep[i]) continue
    if (prev >= 0 && b.ts[i] === b.ts[prev]) {
      if (log.hit()) log.keep({ file, line: lineOf(c, i), column: 'timestamp', value: isoUtc(b.ts[i]), message: `timestamp ${isoUtc(b.ts[i])} repeats line ${lineOf(c, prev)}` })
      if (drop) {
        keep[i] = 0
        continue
      }
    }
    prev = i
  }
}

/**
 * gaps: bars the session calendar says should exist between two consecutive kept bars
 * (calendar.missingBars), so weekends, daily halts and other closures are not gaps.
 * Raise or warn only (see policy.ts).
 */
export function runGaps(c: CheckContext, order: Int32Array): GapStats {
  const { bars: b, keep, file, barMs, calendar } = c
  const log = c.logs.gaps
  const stats: GapStats = { gaps: 0, missingBars: 0, histogram: { upTo10: 0, upTo240: 0, over240: 0 } }
  let prev = -1
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    if (!keep[i]) continue
    if (prev >= 0) {
      const a = b.ts[prev]
      const z = b.ts[i]
      if (z - a > barMs) {
        const walk = (z - a) / barMs <= MAX_GAP_WALK_BARS
        const missing = walk ? calendar.missingBars(a, z, barMs) : Math.floor((z - a) / barMs) - 1
        if (missing > 0) {
          stats.gaps++
          stats.missingBars += missing
          if (missing <= 10) stats.histogram.upTo10++
          else if (missing <= 240) stats.histogram.upTo240++
          else stats.histogram.over240++
          if (log.hit()) {
            log.keep({
              file,
              line: lineOf(c, i),
              column: 'timestamp',
              value: `${isoUtc(a)} → ${isoUtc(z)}`,
              message: `${walk ? '' : 'about '}${missing} in-session bar${missing === 1 ? '' : 's'} missing between ${isoUtc(a)} (line ${lineOf(c, prev)}) and ${isoUtc(z)}`,
            })
          }
        }
      }
    }
    prev = i
  }
  return stats
}
