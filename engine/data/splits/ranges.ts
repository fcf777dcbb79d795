import type { IndexRange } from './spec.ts'

/**
 * Index sets as ascending run-length ranges [start, end). A year of 1-minute bars is 525,600
 * indices per fold; as ranges a fold is usually one to a few hundred entries, which is what the
 * CLI prints, the store keeps and the workers receive.
 */

/** Appends indices in ascending order, merging consecutive ones into one range. */
export class RangeBuilder {
  readonly ranges: IndexRange[] = []
  count = 0
  private last: IndexRange | undefined

  push(i: number): void {
    this.count++
    if (this.last !== undefined && this.last.end === i) this.last.end = i + 1
    else {
      this.last = { start: i, end: i + 1 }
      this.ranges.push(this.last)
    }
  }

  /** Appends [start, end); start must not precede the last pushed index. */
  pushRange(start: number, end: number): void {
    if (end <= start) return
    this.count += end - start
    if (this.last !== undefined && this.last.end === start) this.last.end = end
    else {
      this.last = { start, end }
      this.ranges.push(this.last)
    }
  }
}

export function rangesLength(ranges: readonly IndexRange[]): number {
  let s = 0
  for (const r of ranges) s += r.end - r.start
  return s
}

/** Expands ranges to the indices they hold (for code that needs a gather list). */
export function rangesToIndices(ranges: readonly IndexRange[]): Int32Array {
  const out = new Int32Array(rangesLength(ranges))
  let k = 0
  for (const r of ranges) for (let i = r.start; i < r.end; i++) out[k++] = i
  return out
}

/** [lo, hi) minus the sorted, disjoint `holes`, as ascending ranges. */
export function complementRanges(lo: number, hi: number, holes: readonly IndexRange[]): IndexRange[] {
  const out: IndexRange[] = []
  let at = lo
  for (const h of holes) {
    if (h.start > at) out.push({ start: at, end: Math.min(h.start, hi) })
    at = Math.max(at, h.end)
    if (at >= hi) break
  }
  if (at < hi) out.push({ start: at, end: hi })
  return out
}

export function fmtRange(r: IndexRange): string {
  return `[${r.start}, ${r.end})`
}
