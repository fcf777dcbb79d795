import { localToUtcMs } from '../calendar/timezone.ts'
import type { FindingLog } from '../validate/findings.ts'
import type { ColumnBuilder } from './columnBuilder.ts'
import type { ResolvedIngestOptions } from './options.ts'
import { fieldText, isMissingText, parseDecimal } from './parseNumber.ts'
import { isoState, looksIso, parseEpoch, parseIso } from './parseTimestamp.ts'
import { BAR_FIELDS, type BarField } from './types.ts'

const MAX_FIELDS = 256
const TS_HELP = 'expected ISO 8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]) or an epoch number'

/**
 * Parses one data line (bytes [s, e) of buf, newline excluded) into the column builder, or records
 * an `unparseable` finding and skips the row. An empty or NaN-like numeric cell is not unparseable:
 * it is stored as NaN so the `nan_or_empty` check and its policy decide. Ambiguous or non-existent
 * local times throw (E_TZ_*) from localToUtcMs: there is no row-level policy for a wrong clock.
 */
export function createRowParser(
  opts: ResolvedIngestOptions,
  file: string,
  col: Record<BarField, number>,
  expectedFields: number,
  out: ColumnBuilder,
  unparseable: FindingLog,
): (buf: Uint8Array, s: number, e: number, lineNo: number) => void {
  const starts = new Int32Array(MAX_FIELDS)
  const ends = new Int32Array(MAX_FIELDS)
  const delim = opts.delimiter
  const iTs = col.timestamp
  const numIdx = [col.open, col.high, col.low, col.close, col.volume]
  const { timestampFormat, epochUnit, utc, timezone, shiftMs } = opts
  const values = new Float64Array(5)

  function bad(lineNo: number, column: string | undefined, value: string, message: string): void {
    if (unparseable.hit()) unparseable.keep({ file, line: lineNo, ...(column !== undefined ? { column } : {}), value, message })
  }

  return function parseLine(buf, s, e, lineNo) {
    // split; fields beyond MAX_FIELDS are only counted
    let nf = 0
    let fs = s
    for (let i = s; i < e; i++) {
      if (buf[i] === delim) {
        if (nf < MAX_FIELDS) {
          starts[nf] = fs
          ends[nf] = i
        }
        nf++
        fs = i + 1
      }
    }
    if (nf < MAX_FIELDS) {
      starts[nf] = fs
      ends[nf] = e
    }
    nf++
    if (nf !== expectedFields) {
      const raw = fieldText(buf, s, e)
      bad(lineNo, undefined, raw, `row has ${nf} field${nf === 1 ? '' : 's'}, expected ${expectedFields}: '${raw}'`)
      return
    }
    // trim blanks and one pair of quotes; done in place on the bounds arrays
    const limit = Math.min(nf, MAX_FIELDS)
    for (let f = 0; f < limit; f++) {
      let a = starts[f]
      let b = ends[f]
      while (a < b && (buf[a] === 32 || buf[a] === 9)) a++
      while (b > a && (buf[b - 1] === 32 || buf[b - 1] === 9)) b--
      if (b - a >= 2 && buf[a] === 34 && buf[b - 1] === 34) {
        a++
        b--
      }
      starts[f] = a
      ends[f] = b
    }

    const ta = starts[iTs]
    const tb = ends[iTs]
    let t: number
    const iso = timestampFormat === 'iso' || (timestampFormat === 'auto' && looksIso(buf, ta, tb))
    if (iso) {
      t = parseIso(buf, ta, tb)
      if (t === t && !isoState.hadOffset && !utc) t = localToUtcMs(timezone, t, { file, line: lineNo, value: fieldText(buf, ta, tb) })
    } else t = parseEpoch(buf, ta, tb, epochUnit)
    if (t !== t) {
      const raw = fieldText(buf, ta, tb)
      bad(lineNo, 'timestamp', raw, ta === tb ? 'timestamp is empty' : `value '${raw}' is not a valid timestamp (${TS_HELP})`)
      return
    }

    for (let k = 0; k < 5; k++) {
      const f = numIdx[k]
      const a = starts[f]
      const b = ends[f]
      const v = parseDecimal(buf, a, b)
      if (v !== v && !isMissingText(buf, a, b)) {
        const raw = fieldText(buf, a, b)
        bad(lineNo, BAR_FIELDS[k + 1], raw, `value '${raw}' is not a number`)
        return
      }
      values[k] = v
    }

    out.reserve()
    const n = out.length
    out.ts[n] = t - shiftMs
    out.open[n] = values[0]
    out.high[n] = values[1]
    out.low[n] = values[2]
    out.close[n] = values[3]
    out.volume[n] = values[4]
    out.line[n] = lineNo
    out.length = n + 1
  }
}
