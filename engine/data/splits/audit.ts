import { FactoryError } from '../../contracts/errors.ts'
import type { IndexRange } from './spec.ts'
import { fmtRange } from './ranges.ts'

/**
 * The leakage audit (spec rule 8). It trusts nothing the planners computed: it re-derives the
 * forbidden zones from the test spans alone and checks EVERY training index of every fold, so a
 * bug in a planner, a hand-edited split file or a runner that widened a fold is caught here.
 */

export interface AuditFold {
  fold: number
  train: readonly IndexRange[]
  test: IndexRange | readonly IndexRange[]
}

export interface AuditOptions {
  purge: number
  embargo: number
  /** the untouched final test span [f, n), when there is one */
  finalTest?: IndexRange
  /** violations kept in the report (all are counted); default 10 */
  maxViolations?: number
}

export type ViolationReason =
  | 'unlabelled' // trained on a sample whose label window is not inside the data
  | 'bad_range' // train ranges not ascending, overlapping, empty or outside [0, n)
  | 'in_test' // a training index inside a test span
  | 'purge_zone' // inside the fixed purge zone before a test span
  | 'embargo' // inside the embargo after a test span
  | 'label_overlap' // label window [i, labelEnd[i]] reaches a test span or its embargo
  | 'final_test' // touches the final test span or the purge + embargo gap before it

export interface Violation {
  fold: number
  index: number
  labelEnd: number
  testSpan: IndexRange
  reason: ViolationReason
}

export interface AuditReport {
  ok: boolean
  violations: Violation[]
  violationCount: number
  /** training indices checked, summed over folds */
  checked: number
}

interface Zone {
  /** the span a label window must not reach */
  s: number
  e: number
  /** first bar a training index may not sit on */
  lo: number
  /** first bar after the zone where training may resume */
  hi: number
  span: IndexRange
  final: boolean
}

export function auditSplits(folds: readonly AuditFold[], labelEnd: Int32Array, options: AuditOptions): AuditReport {
  const n = labelEnd.length
  const { purge: P, embargo: E, finalTest } = options
  const maxV = options.maxViolations ?? 10
  const violations: Violation[] = []
  let violationCount = 0
  let checked = 0
  const report = (fold: number, index: number, testSpan: IndexRange, reason: ViolationReason): void => {
    violationCount++
    if (violations.length < maxV) violations.push({ fold, index, labelEnd: index >= 0 && index < n ? labelEnd[index] : -1, testSpan, reason })
  }
  for (const fd of folds) {
    const tests: readonly IndexRange[] = Array.isArray(fd.test) ? fd.test : [fd.test as IndexRange]
    const zones: Zone[] = tests.map((t) => ({ s: t.start, e: t.end, lo: t.start - P, hi: t.end + E, span: t, final: false }))
    if (finalTest) {
      const gapStart = finalTest.start - P - E
      zones.push({ s: finalTest.start, e: finalTest.end, lo: gapStart, hi: Infinity, span: finalTest, final: true })
      for (const t of tests) if (t.end > gapStart) report(fd.fold, t.start, finalTest, 'final_test')
    }
    // Sorted by where each zone stops mattering (hi): once i ≥ hi a zone can neither hold i nor be
    // reached by i's label window (which starts at i). Suffix minima of lo and s over the zones
    // still in play turn each index check into two comparisons.
    zones.sort((a, b) => a.hi - b.hi)
    const z = zones.length
    const minLo = new Float64Array(z + 1).fill(Infinity)
    const minS = new Float64Array(z + 1).fill(Infinity)
    for (let j = z - 1; j >= 0; j--) {
      minLo[j] = Math.min(minLo[j + 1], zones[j].lo)
      minS[j] = Math.min(minS[j + 1], zones[j].s)
    }
    let prevEnd = 0
    let first = true
    let j = 0
    for (const r of fd.train) {
      if (!(Number.isInteger(r.start) && Number.isInteger(r.end)) || r.start < (first ? 0 : prevEnd) || r.end <= r.start || r.end > n) {
        report(fd.fold, r.start, r, 'bad_range')
        continue
      }
      first = false
      prevEnd = r.end
      for (let i = r.start; i < r.end; i++) {
        checked++
        while (j < z && zones[j].hi <= i) j++
        const le = labelEnd[i]
        if (!(le >= i && le < n)) report(fd.fold, i, tests[0] ?? { start: -1, end: -1 }, 'unlabelled')
        else if (i >= minLo[j] || le >= minS[j]) explain(fd.fold, i, le, zones, j, report)
      }
    }
  }
  return { ok: violationCount === 0, violations, violationCount, checked }
}

/** Rare path: find which zone index i offends, and why. */
function explain(
  fold: number,
  i: number,
  le: number,
  zones: readonly Zone[],
  from: number,
  report: (fold: number, index: number, span: IndexRange, reason: ViolationReason) => void,
): void {
  for (let j = from; j < zones.length; j++) {
    const zn = zones[j]
    if (i >= zn.lo && i < zn.hi) {
      const reason: ViolationReason = zn.final ? 'final_test' : i < zn.s ? 'purge_zone' : i < zn.e ? 'in_test' : 'embargo'
      return report(fold, i, zn.span, reason)
    }
  }
  for (let j = from; j < zones.length; j++) {
    const zn = zones[j]
    if (le >= zn.s) return report(fold, i, zn.span, zn.final ? 'final_test' : 'label_overlap')
  }
}

export function formatViolation(v: Violation, options: Pick<AuditOptions, 'purge' | 'embargo'>): string {
  const where = `fold ${v.fold}: training index ${v.index} (label window [${v.index}, ${v.labelEnd}])`
  const span = fmtRange(v.testSpan)
  switch (v.reason) {
    case 'unlabelled':
      return `${where} has no valid label (labelEnd ${v.labelEnd})`
    case 'bad_range':
      return `fold ${v.fold}: train range ${span} is not ascending, disjoint, non-empty and inside the data`
    case 'in_test':
      return `${where} lies inside test span ${span}`
    case 'purge_zone':
      return `${where} lies in the ${options.purge}-bar purge zone before test span ${span}`
    case 'embargo':
      return `${where} lies in the ${options.embargo}-bar embargo after test span ${span}`
    case 'label_overlap':
      return `${where} reaches test span ${span} (or its ${options.embargo}-bar embargo)`
    case 'final_test':
      return `${where} touches the final test span ${span} or the purge ${options.purge} + embargo ${options.embargo} gap before it`
  }
}

/** Throws E_LEAKAGE naming the first offending fold, index and spans. */
export function assertNoLeakage(folds: readonly AuditFold[], labelEnd: Int32Array, options: AuditOptions): AuditReport {
  const rep = auditSplits(folds, labelEnd, options)
  if (!rep.ok) {
    const v = rep.violations[0]
    const more = rep.violationCount > 1 ? ` (${rep.violationCount - 1} more violations)` : ''
    throw new FactoryError('E_LEAKAGE', `leakage audit failed: ${formatViolation(v, options)}${more}`, {
      path: 'splits',
      fold: v.fold,
      index: v.index,
      labelEnd: v.labelEnd,
      testSpan: v.testSpan,
      reason: v.reason,
      violations: rep.violations,
    })
  }
  return rep
}
