import type { Bars } from '../bars.ts'
import type { SessionCalendar } from '../calendar/sessionCalendar.ts'
import type { CheckName, FindingLog, Policy } from './findings.ts'

/** Shared state of one validation pass: the bars, which rows survive, and a log per check. */
export interface CheckContext {
  bars: Bars
  file: string
  /** 1 = row kept; a check with policy drop clears it */
  keep: Uint8Array
  logs: Record<CheckName, FindingLog>
  policies: Record<CheckName, Policy>
  barMs: number
  calendar: SessionCalendar
  tickSize: number | null
}

export function lineOf(c: CheckContext, i: number): number {
  return c.bars.line ? c.bars.line[i] : i + 1
}
