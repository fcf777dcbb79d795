import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import { FactoryError } from '../contracts/errors.ts'

/**
 * A plain CSV of named columns for `fit-predict`: header required; a column is numeric when every
 * non-empty cell parses as a number. Text columns (timestamps, ids) are kept as strings so they
 * can be passed through to the output. An empty numeric cell is NaN (the component rejects it with
 * the row and column).
 */
export interface NumericCsv {
  file: string
  rows: number
  names: string[]
  numeric: Map<string, Float64Array>
  text: Map<string, string[]>
}

export async function readNumericCsv(file: string, signal?: AbortSignal): Promise<NumericCsv> {
  let stream: NodeJS.ReadableStream
  try {
    const raw = createReadStream(file)
    await new Promise<void>((res, rej) => raw.once('open', () => res()).once('error', rej))
    stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw
  } catch {
    throw new FactoryError('E_FILE_NOT_FOUND', `file not found: ${file}`, { file })
  }
  const rl = createInterface({ input: stream, crlfDelay: Infinity })
  let header: string[] | null = null
  const cells: string[][] = []
  let line = 0
  for await (const text of rl) {
    line++
    if (signal?.aborted) throw new FactoryError('E_CANCELLED', 'cancelled while reading ' + file)
    if (text.trim() === '') continue
    const parts = text.replace(/^\uFEFF/, '').split(',').map((s) => s.trim())
    if (!header) {
      header = parts
      const dup = header.find((h, i) => header!.indexOf(h) !== i)
      if (dup !== undefined) throw new FactoryError('E_CSV_HEADER', `${file}:1 column '${dup}' appears twice in the header`, { file, line: 1, column: dup })
      continue
    }
    if (parts.length !== header.length) {
      throw new FactoryError('E_CSV_PARSE', `${file}:${line} has ${parts.length} fields; the header has ${header.length}`, { file, line, value: parts.length, valid: [header.length] })
    }
    cells.push(parts)
  }
  if (!header) throw new FactoryError('E_EMPTY_DATA', `${file} is empty (a header line is required)`, { file })
  const numeric = new Map<string, Float64Array>()
  const textCols = new Map<string, string[]>()
  header.forEach((name, j) => {
    const col = new Float64Array(cells.length)
    let isNum = true
    for (let i = 0; i < cells.length && isNum; i++) {
      const s = cells[i][j]
      const v = s === '' ? NaN : Number(s)
      if (s !== '' && !Number.isFinite(v) && s.toLowerCase() !== 'nan') isNum = false
      col[i] = v
    }
    if (isNum) numeric.set(name, col)
    else textCols.set(name, cells.map((r) => r[j]))
  })
  return { file, rows: cells.length, names: header, numeric, text: textCols }
}
