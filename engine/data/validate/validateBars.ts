import { FactoryError } from '../../contracts/errors.ts'
import { filterBars, parseBarSize, type Bars } from '../bars.ts'
import { resolveInstrument, type ResolvedInstrument } from '../calendar/instruments.ts'
import { createSessionCalendar } from '../calendar/sessionCalendar.ts'
import { CRYPTO_24X7 } from '../calendar/calendars.ts'
import type { CheckContext } from './context.ts'
import { CHECK_NAMES, DEFAULT_MAX_EXAMPLES, FindingLog, formatFinding, type CheckName, type Finding, type Policy } from './findings.ts'
import { DEFAULT_JUMP, runJumps, type JumpOptions } from './jumpCheck.ts'
import { resolvePolicies, type ValidationConfig } from './policy.ts'
import { runRowChecks } from './rowChecks.ts'
import { runDuplicates, runGaps, runUnsorted, type GapStats } from './sequenceChecks.ts'

export interface ValidateOptions {
  /** the `validation:` config block; every check raises unless told otherwise */
  policy?: ValidationConfig
  /** symbol ('ES') or resolved instrument: gives the session calendar and tick size. Without one every
   *  minute is in session (24×7) and the jump floor is 0. */
  instrument?: string | ResolvedInstrument
  /** '1m', '5m', … or ms; inferred from the most common spacing of the first bars when absent */
  barSize?: string | number
  jumpThreshold?: number
  jump?: Partial<JumpOptions>
  maxExamples?: number
  /** config path of the validation block, for messages */
  path?: string
}

export interface CheckReport {
  check: CheckName
  policy: Policy
  count: number
  /** rows removed by this check (policy drop) */
  dropped: number
  examples: Finding[]
}

export interface ValidationReport {
  file: string
  rowsIn: number
  rowsOut: number
  barMs: number
  barSizeInferred: boolean
  calendar: string
  checks: Record<CheckName, CheckReport>
  gaps: GapStats
  /** checks with policy raise that found something (validateBars throws when non-empty) */
  raised: CheckName[]
  seconds: number
}

/** What ingestCsv returns; a plain Bars also works (no unparseable rows then). */
export interface ParsedInput {
  bars: Bars
  rawFindings?: Finding[]
  stats?: { unparseableRows: number; file?: string }
}

function inferBarMs(ts: Float64Array): number {
  const counts = new Map<number, number>()
  const n = Math.min(ts.length, 10_000)
  for (let i = 1; i < n; i++) {
    const d = ts[i] - ts[i - 1]
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1)
  }
  let best = 60_000
  let bestN = 0
  for (const [d, c] of counts) if (c > bestN || (c === bestN && d < best)) [best, bestN] = [d, c]
  return best
}

/**
 * Runs every check over parsed bars, applies the drop policies and returns the surviving bars in
 * time order with a report. One O(n) pass per check family: row checks, order, duplicates, gaps,
 * jumps. Throws E_VALIDATION, after all checks have run so the message can list every raising check,
 * when any check whose policy is raise found something; nothing downstream (writers included) runs.
 *
 * Policy notes: an `unparseable` row has no values to keep, so under warn it is reported and, like
 * drop, absent from the bars. `unsorted: warn` keeps the rows and returns them in time order.
 * `duplicate_timestamp: warn` keeps both rows (later stages that need unique stamps will refuse).
 * `gaps` is raise or warn only: there is no row to drop. Checks run in this order, each on the rows
 * the earlier ones kept: row checks → unsorted → duplicates → gaps → jumps; so a row dropped early
 * can leave a hole that `gaps` then reports.
 */
export function validateBars(parsed: ParsedInput | Bars, opts: ValidateOptions = {}): { bars: Bars; report: ValidationReport } {
  const t0 = performance.now()
  const input: ParsedInput = 'ts' in parsed ? { bars: parsed } : parsed
  const bars = input.bars
  const file = bars.source ?? input.stats?.file ?? '<bars>'
  const path = opts.path ?? 'validation'
  const policies = resolvePolicies(opts.policy, path)
  const maxExamples = opts.maxExamples ?? DEFAULT_MAX_EXAMPLES
  const inst = typeof opts.instrument === 'string' ? resolveInstrument(opts.instrument) : opts.instrument
  const calendar = inst?.sessionCalendar ?? createSessionCalendar(CRYPTO_24X7)
  const barSizeInferred = opts.barSize === undefined
  const barMs = barSizeInferred ? inferBarMs(bars.ts) : typeof opts.barSize === 'number' ? opts.barSize : parseBarSize(String(opts.barSize), 'data.bar_size')
  const jump: JumpOptions = { ...DEFAULT_JUMP, ...opts.jump, ...(opts.jumpThreshold !== undefined ? { threshold: opts.jumpThreshold } : {}) }
  if (!(jump.threshold > 0) || !Number.isInteger(jump.window) || jump.window < 8 || !(jump.refresh >= 1) || !(jump.minObs >= 1)) {
    throw new FactoryError('E_CONFIG', `invalid outsized_jump settings ${JSON.stringify(jump)} at ${path}.jump; threshold > 0, window ≥ 8 (whole), refresh ≥ 1, min_obs ≥ 1`, { path: `${path}.jump`, value: jump })
  }

  const logs = Object.fromEntries(CHECK_NAMES.map((n) => [n, new FindingLog(n, maxExamples)])) as Record<CheckName, FindingLog>
  const unp = logs.unparseable
  unp.count = input.stats?.unparseableRows ?? input.rawFindings?.length ?? 0
  for (const f of (input.rawFindings ?? []).slice(0, maxExamples)) unp.examples.push(f)

  const keep = new Uint8Array(bars.length).fill(1)
  const c: CheckContext = { bars, file, keep, logs, policies, barMs, calendar, tickSize: inst?.tickSize ?? null }
  const countKept = () => {
    let n = 0
    for (let i = 0; i < keep.length; i++) n += keep[i]
    return n
  }
  const dropped = {} as Record<CheckName, number>
  for (const n of CHECK_NAMES) dropped[n] = 0
  dropped.unparseable = policies.unparseable === 'drop' ? unp.count : 0
  // rows a family of checks removed, by difference of kept counts
  let kept = bars.length
  const account = (names: CheckName[]) => {
    const now = countKept()
    const lost = kept - now
    kept = now
    const droppers = names.filter((n) => policies[n] === 'drop' && logs[n].count > 0)
    // when one family has several dropping checks, attribute by finding count (a row may fail several)
    const total = droppers.reduce((s, n) => s + logs[n].count, 0)
    for (const n of droppers) dropped[n] = droppers.length === 1 ? lost : Math.round((lost * logs[n].count) / total)
  }

  runRowChecks(c)
  account(['nan_or_empty', 'non_positive_price', 'high_below_low', 'open_close_outside_range', 'zero_volume', 'outside_session'])
  const order = runUnsorted(c)
  account(['unsorted'])
  runDuplicates(c, order)
  account(['duplicate_timestamp'])
  const gapStats = runGaps(c, order)
  runJumps(c, order, jump)
  account(['outsized_jump'])

  const checks = {} as Record<CheckName, CheckReport>
  const raised: CheckName[] = []
  for (const n of CHECK_NAMES) {
    checks[n] = { check: n, policy: policies[n], count: logs[n].count, dropped: dropped[n], examples: logs[n].examples }
    if (policies[n] === 'raise' && logs[n].count > 0) raised.push(n)
  }

  // surviving rows, in time order
  let out: Bars
  let sortedAlready = true
  for (let k = 1; k < order.length; k++) if (order[k] < order[k - 1]) sortedAlready = false
  if (sortedAlready) out = kept === bars.length ? bars : filterBars(bars, keep)
  else out = gather(bars, order, keep)
  const report: ValidationReport = {
    file,
    rowsIn: bars.length + unp.count,
    rowsOut: out.length,
    barMs,
    barSizeInferred,
    calendar: inst ? `${inst.symbol} (${calendar.spec.name})` : `${calendar.spec.name} (no instrument given)`,
    checks,
    gaps: gapStats,
    raised,
    seconds: (performance.now() - t0) / 1000,
  }
  if (raised.length) throw validationError(report, path)
  if (out.length === 0) {
    throw new FactoryError('E_EMPTY_DATA', `${file}: no bars left after validation (${report.rowsIn} rows read, all dropped); see the validation report`, { file, report })
  }
  return { bars: out, report }
}

function gather(b: Bars, order: Int32Array, keep: Uint8Array): Bars {
  let n = 0
  for (let k = 0; k < order.length; k++) n += keep[order[k]]
  const cols = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const
  const res: Record<string, Float64Array> = {}
  for (const name of cols) {
    const src = b[name]
    const dst = new Float64Array(n)
    let j = 0
    for (let k = 0; k < order.length; k++) if (keep[order[k]]) dst[j++] = src[order[k]]
    res[name] = dst
  }
  let line: Uint32Array | undefined
  if (b.line) {
    line = new Uint32Array(n)
    let j = 0
    for (let k = 0; k < order.length; k++) if (keep[order[k]]) line[j++] = b.line[order[k]]
  }
  return {
    length: n,
    ts: res.ts, open: res.open, high: res.high, low: res.low, close: res.close, volume: res.volume,
    ...(line ? { line } : {}),
    ...(b.source !== undefined ? { source: b.source } : {}),
  }
}

function validationError(r: ValidationReport, path: string): FactoryError {
  const lines = r.raised.map((n) => {
    const ch = r.checks[n]
    const first = ch.examples[0]
    const unit = n === 'gaps' ? 'gap' : 'row'
    return `  - ${n}: ${ch.count} ${unit}${ch.count === 1 ? '' : 's'}${first ? `; first: ${formatFinding(first)}` : ''}`
  })
  const first = r.checks[r.raised[0]].examples[0]
  const dropHint = r.raised.every((n) => n === 'gaps') ? 'warn' : 'warn or drop'
  return new FactoryError(
    'E_VALIDATION',
    `data validation failed for ${r.file}: ${r.raised.length} check${r.raised.length === 1 ? '' : 's'} set to raise found problems:\n${lines.join('\n')}\nFix the file, or set ${path}.checks.<name> to ${dropHint} to continue.`,
    {
      file: r.file,
      ...(first ? { line: first.line, column: first.column, value: first.value } : {}),
      path: `${path}.checks.${r.raised[0]}`,
      checks: r.raised,
      report: r,
    },
  )
}
