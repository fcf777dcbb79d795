import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import type { Readable } from 'node:stream'
import { FactoryError } from '../../contracts/errors.ts'
import { FindingLog } from '../validate/findings.ts'
import { ColumnBuilder } from './columnBuilder.ts'
import { cleanHeaderName, resolveColumns } from './header.ts'
import { resolveIngestOptions } from './options.ts'
import { createRowParser } from './rowParser.ts'
import type { BarField, IngestOptions, IngestResult, ProgressFn } from './types.ts'

const CHUNK = 1 << 20
/** rough bytes per CSV row, only to size the first allocation */
const BYTES_PER_ROW_GUESS = 56

type LineFn = (buf: Buffer, s: number, e: number) => void

async function sniff(path: string): Promise<{ head: Buffer; size: number }> {
  let size: number
  try {
    const st = await stat(path)
    if (!st.isFile()) throw new FactoryError('E_FILE_NOT_FOUND', `${path} is not a file`, { file: path })
    size = st.size
  } catch (e) {
    if (e instanceof FactoryError) throw e
    throw new FactoryError('E_FILE_NOT_FOUND', `data file not found: ${path}`, { file: path, value: path })
  }
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(Math.min(4096, size))
    await fh.read(head, 0, head.length, 0)
    return { head, size }
  } finally {
    await fh.close()
  }
}

/**
 * Streams a .csv or .csv.gz (gzip detected by its magic bytes 1f 8b, whatever the name) into bar
 * columns. Lines are split on raw bytes and numbers parsed in place, so the text is never held as
 * strings; memory grows with the number of bars only. Rows that fail to parse become `unparseable`
 * findings (counted, first max_examples kept) and are left out of `bars`; what happens next is the
 * validation policy's decision. Structural problems — missing file, not CSV, corrupt gzip, missing
 * column, no rows, ambiguous local time — throw here.
 * `onProgress` receives the fraction of file bytes consumed; `signal` aborts with E_CANCELLED.
 */
export async function ingestCsv(path: string, options: IngestOptions = {}, signal?: AbortSignal, onProgress?: ProgressFn): Promise<IngestResult> {
  const opts = resolveIngestOptions(options)
  const t0 = performance.now()
  const cancelled = () => new FactoryError('E_CANCELLED', `ingest of ${path} was cancelled`, { file: path })
  if (signal?.aborted) throw cancelled()
  const { head, size } = await sniff(path)
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  const notes: string[] = []
  if (!gz) {
    if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
      throw new FactoryError('E_FILE_FORMAT', `${path} is a zip archive; unzip it and point at the .csv inside (gzip .csv.gz is read directly)`, { file: path })
    }
    if (head.includes(0)) {
      const magic = [...head.subarray(0, 2)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
      throw new FactoryError('E_FILE_FORMAT', `${path} is neither gzip (magic bytes ${magic}, expected 1f 8b) nor CSV text (it contains NUL bytes)`, { file: path, value: magic })
    }
    if (/\.gz$/i.test(path)) notes.push(`${path} is named .gz but is not gzip-compressed; read as plain text`)
  }

  const unparseable = new FindingLog('unparseable', opts.maxExamples)
  const builder = new ColumnBuilder(Math.ceil(((gz ? 4 : 1) * size) / BYTES_PER_ROW_GUESS))
  let lineNo = 0
  let blankLines = 0
  let header: string[] | null = null
  let columnIndex: Record<BarField, number> | null = null
  let parseRow: ((buf: Uint8Array, s: number, e: number, lineNo: number) => void) | null = null

  const firstLine = (buf: Buffer, s: number, e: number): void => {
    const text = buf.toString('utf8', s, e)
    const fields = text.split(String.fromCharCode(opts.delimiter))
    header = opts.hasHeader ? fields.map(cleanHeaderName) : null
    columnIndex = resolveColumns(header, opts.columns, { file: path, path: opts.path, fieldCount: fields.length, rawFirstLine: text })
    parseRow = createRowParser(opts, path, columnIndex, fields.length, builder, unparseable)
    if (!opts.hasHeader) parseRow(buf, s, e, lineNo)
  }

  const onLine: LineFn = (buf, s, e) => {
    lineNo++
    if (e > s && buf[e - 1] === 13) e-- // CRLF
    if (lineNo === 1 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3 // UTF-8 BOM
    let a = s
    while (a < e && (buf[a] === 32 || buf[a] === 9)) a++
    if (a === e) {
      blankLines++
      return
    }
    if (parseRow === null) firstLine(buf, s, e)
    else parseRow(buf, s, e, lineNo)
  }

  const src = createReadStream(path, { highWaterMark: CHUNK })
  const stream: Readable = gz ? src.pipe(createGunzip({ chunkSize: CHUNK })) : src
  if (gz) src.on('error', (err) => stream.destroy(err))
  const onAbort = () => stream.destroy(cancelled())
  signal?.addEventListener('abort', onAbort, { once: true })
  let lastReported = -1
  try {
    let carry: Buffer | null = null
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw cancelled()
      let pos = 0
      if (carry) {
        const nl = chunk.indexOf(10)
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk])
          continue
        }
        const joined = Buffer.concat([carry, chunk.subarray(0, nl)])
        carry = null
        onLine(joined, 0, joined.length)
        pos = nl + 1
      }
      let nl: number
      while ((nl = chunk.indexOf(10, pos)) >= 0) {
        onLine(chunk, pos, nl)
        pos = nl + 1
      }
      if (pos < chunk.length) carry = Buffer.from(chunk.subarray(pos))
      if (onProgress && size > 0) {
        const f = Math.min(1, src.bytesRead / size)
        if (f - lastReported >= 0.01) {
          lastReported = f
          onProgress(f)
        }
      }
    }
    if (carry) onLine(carry, 0, carry.length)
  } catch (err) {
    if (err instanceof FactoryError) throw err
    const e = err as NodeJS.ErrnoException
    if (gz && (e.code?.startsWith('Z_') || /unexpected end of file|incorrect header|invalid/i.test(e.message))) {
      throw new FactoryError('E_FILE_FORMAT', `${path}: gzip data is truncated or corrupt after line ${lineNo} (zlib: ${e.message}); re-export or re-download the file`, {
        file: path, line: lineNo, value: e.code ?? e.message,
      })
    }
    throw new FactoryError('E_FILE_FORMAT', `${path}: could not read the file after line ${lineNo}: ${e.message}`, { file: path, line: lineNo })
  } finally {
    signal?.removeEventListener('abort', onAbort)
    stream.destroy()
    src.destroy()
  }
  if (onProgress && lastReported < 1) onProgress(1)

  if (columnIndex === null) {
    throw new FactoryError('E_EMPTY_DATA', `${path} is empty: no header and no rows`, { file: path, line: lineNo })
  }
  if (builder.length === 0 && unparseable.count === 0) {
    throw new FactoryError('E_EMPTY_DATA', `${path}:1: the file has a header but no data rows`, { file: path, line: 1 })
  }
  const bars = builder.finish(path)
  const seconds = (performance.now() - t0) / 1000
  return {
    bars,
    rawFindings: unparseable.examples,
    stats: {
      file: path,
      bytes: size,
      compressed: gz,
      lines: lineNo,
      blankLines,
      bars: bars.length,
      unparseableRows: unparseable.count,
      header,
      columnIndex,
      seconds,
      rowsPerSecond: seconds > 0 ? bars.length / seconds : 0,
      notes,
    },
  }
}
