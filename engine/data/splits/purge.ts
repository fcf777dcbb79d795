import type { IndexRange, SplitFold } from './spec.ts'
import { RangeBuilder } from './ranges.ts'

/** Spec rule "labelled": the label window [i, labelEnd[i]] lies inside the data. */
export function isLabelled(i: number, le: number, n: number): boolean {
  return le >= i && le < n
}

export type Classified = Omit<SplitFold, 'fold'>

/**
 * Spec rule 5: sorts every candidate into unlabeled / purged / embargoed / train.
 * `candidates` and `tests` must be ascending and disjoint, and no candidate may lie in a test span.
 *
 * One pass over the candidates with two monotone pointers: for index i only the NEXT test span
 * can purge it (a later span starts later, so its purge zone and label threshold are looser) and
 * only the PREVIOUS test span can embargo it (the latest end reaches furthest). That keeps a fold
 * at O(candidates + spans) however many test groups CPCV gives it.
 */
export function classifyCandidates(
  candidates: readonly IndexRange[],
  tests: readonly IndexRange[],
  finalStart: number,
  labelEnd: Int32Array,
  purge: number,
  embargo: number,
): Classified {
  const n = labelEnd.length
  const m = tests.length
  const train = new RangeBuilder()
  let purged = 0
  let embargoed = 0
  let unlabeled = 0
  let nx = 0 // first test span with start > i
  let pv = -1 // last test span with end <= i
  let nextStart = m > 0 ? tests[0].start : Infinity
  let embargoUntil = -Infinity
  for (const c of candidates) {
    for (let i = c.start; i < c.end; i++) {
      while (nx < m && tests[nx].start <= i) {
        nx++
        nextStart = nx < m ? tests[nx].start : Infinity
      }
      while (pv + 1 < m && tests[pv + 1].end <= i) {
        pv++
        embargoUntil = tests[pv].end + embargo
      }
      const le = labelEnd[i]
      if (!(le >= i && le < n)) unlabeled++
      else if (i >= nextStart - purge || le >= nextStart || le >= finalStart) purged++
      else if (i < embargoUntil) embargoed++
      else train.push(i)
    }
  }
  return { train: train.ranges, trainCount: train.count, purged, embargoed, unlabeled }
}

/** Largest label reach (labelEnd[i] − i) over labelled samples: sizes the "need N bars" hints. */
export function maxLabelReach(labelEnd: Int32Array): number {
  const n = labelEnd.length
  let h = 0
  for (let i = 0; i < n; i++) {
    const le = labelEnd[i]
    if (le >= i && le < n && le - i > h) h = le - i
  }
  return h
}
