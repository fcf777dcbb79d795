import { FactoryError } from '../../contracts/errors.ts'
import { BAR_FIELDS, type BarField } from './types.ts'

/** Header names tried (case-insensitively) when `columns.<field>` is not given. */
const ALIASES: Record<BarField, string[]> = {
  timestamp: ['timestamp', 'time', 'date', 'datetime', 'date_time', 'ts', 'open_time', 'time_utc'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c', 'last'],
  volume: ['volume', 'vol', 'v'],
}

export function cleanHeaderName(s: string): string {
  let t = s.trim()
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).trim()
  return t
}

function looksNumeric(s: string): boolean {
  return /^[+-]?[\d.:\-TZ ]+$/.test(s) && /\d/.test(s)
}

/**
 * Source column index per field. `header` is null without a header row; then a mapping must use
 * indices and the default is 0..5 in field order. Errors name the missing field, the header that was
 * found and, when it explains the miss, the likely cause (another delimiter, or no header at all).
 */
export function resolveColumns(
  header: string[] | null,
  columns: Partial<Record<BarField, string | number>>,
  ctx: { file: string; path: string; fieldCount: number; rawFirstLine: string },
): Record<BarField, number> {
  const out = {} as Record<BarField, number>
  const lower = header?.map((h) => h.toLowerCase())
  for (const [k, field] of BAR_FIELDS.entries()) {
    const want = columns[field]
    const path = `${ctx.path}.columns.${field}`
    let idx = -1
    if (typeof want === 'number') {
      idx = want
      if (idx >= ctx.fieldCount) {
        throw new FactoryError('E_CSV_HEADER', `${ctx.file}:1: ${path} is column ${want} but the first line has only ${ctx.fieldCount} fields (0-based indices 0..${ctx.fieldCount - 1})`, {
          file: ctx.file, line: 1, column: field, path, value: want,
        })
      }
    } else if (lower) {
      const names = want !== undefined ? [want.toLowerCase()] : ALIASES[field]
      for (const n of names) {
        idx = lower.indexOf(n)
        if (idx >= 0) break
      }
    } else idx = k
    if (idx < 0) {
      const shown = header!.join(',')
      const hints: string[] = []
      for (const [name, d] of [[';', ';'], ['tab', '\t'], ['|', '|'], [',', ',']] as const) {
        if (ctx.fieldCount === 1 && ctx.rawFirstLine.includes(d)) hints.push(`the header contains '${name === 'tab' ? '\\t' : name}': set ${ctx.path}.delimiter to '${name}'`)
      }
      if (header!.some(looksNumeric)) hints.push(`the first line looks like data: set ${ctx.path}.has_header to false and map columns by index`)
      const asked = want !== undefined ? `'${want}' (from ${path})` : `'${field}' (or ${ALIASES[field].slice(1).map((a) => `'${a}'`).join(', ')})`
      throw new FactoryError(
        'E_CSV_HEADER',
        `${ctx.file}:1: missing column ${asked} for ${field}; header found: '${shown}'${hints.length ? '; ' + hints.join('; ') : `; set ${path} to one of: ${header!.join(', ')}`}`,
        { file: ctx.file, line: 1, column: field, path, value: want ?? field, valid: header! },
      )
    }
    out[field] = idx
  }
  return out
}
