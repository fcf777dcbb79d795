import { formatBarSize } from '../bars.ts'
import { CHECK_NAMES, formatFinding } from './findings.ts'
import type { ValidationReport } from './validateBars.ts'

/** Human-readable report for the CLI: one line per check that found something, plus gap totals. */
export function summarizeReport(r: ValidationReport, examplesPerCheck = 3): string {
  const out: string[] = []
  out.push(`${r.file}: ${r.rowsIn} rows read, ${r.rowsOut} bars kept; bar ${formatBarSize(r.barMs)}${r.barSizeInferred ? ' (inferred)' : ''}; calendar ${r.calendar}`)
  let clean = true
  for (const n of CHECK_NAMES) {
    const c = r.checks[n]
    if (c.count === 0) continue
    clean = false
    const unit = n === 'gaps' ? 'gap' : 'row'
    const tail = n === 'gaps' ? `, ${r.gaps.missingBars} missing bars (≤10: ${r.gaps.histogram.upTo10}, 11–240: ${r.gaps.histogram.upTo240}, >240: ${r.gaps.histogram.over240})` : ''
    out.push(`  ${c.policy.padEnd(5)} ${n}: ${c.count} ${unit}${c.count === 1 ? '' : 's'}${c.dropped ? `, ${c.dropped} dropped` : ''}${tail}`)
    for (const f of c.examples.slice(0, examplesPerCheck)) out.push(`          ${formatFinding(f)}`)
    if (c.count > Math.min(examplesPerCheck, c.examples.length)) out.push(`          … ${c.count - Math.min(examplesPerCheck, c.examples.length)} more`)
  }
  if (clean) out.push('  all checks passed')
  return out.join('\n')
}
