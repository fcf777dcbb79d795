import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { FactoryError } from '../../contracts/errors.ts'
import { ingestCsv } from './ingestCsv.ts'

const dir = mkdtempSync(join(tmpdir(), 'ingest-'))
let k = 0
function file(text: string | Buffer, ext = '.csv'): string {
  const p = join(dir, `f${k++}${ext}`)
  writeFileSync(p, text)
  return p
}
const T = Date.UTC(2024, 0, 9, 14, 30)

test('column mapping by name (case-insensitive, any order), extra columns ignored', async () => {
  const p = file('Date;Vol;C;x;H;L;O\n2024-01-09 14:30:00;7;3;zz;4;1;2\n')
  const r = await ingestCsv(p, { delimiter: ';', columns: { timestamp: 'date', volume: 'vol', close: 'c', high: 'h', low: 'l', open: 'o' } })
  assert.deepEqual([r.bars.ts[0], r.bars.open[0], r.bars.high[0], r.bars.low[0], r.bars.close[0], r.bars.volume[0]], [T, 2, 4, 1, 3, 7])
  assert.equal(r.stats.columnIndex.close, 2)
})

test('no header: indices, tab delimiter, epoch auto units (ms and µs mixed, as Binance did)', async () => {
  const p = file(`x\t${T}\t1\t2\t0.5\t1.5\t10\nx\t${(T + 60_000) * 1000}\t1\t2\t0.5\t1.5\t11\n`)
  const r = await ingestCsv(p, { has_header: false, delimiter: '\t', columns: { timestamp: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } })
  assert.deepEqual(Array.from(r.bars.ts), [T, T + 60_000])
  assert.deepEqual(Array.from(r.bars.line!), [1, 2])
  assert.equal(r.stats.header, null)
})

test('names without a header, or an index past the row, are config/header errors naming the option', async () => {
  await assert.rejects(ingestCsv(file('1,2\n'), { has_header: false, columns: { close: 'close' } }), /data\.columns\.close is the name 'close' but data\.has_header is false/)
  await assert.rejects(ingestCsv(file('timestamp,open,high,low,close,v\n1,2,3,4,5,6\n'), { columns: { volume: 9 } }), (e: unknown) => e instanceof FactoryError && e.code === 'E_CSV_HEADER' && /data\.columns\.volume is column 9 but the first line has only 6 fields/.test(e.message))
  await assert.rejects(ingestCsv(file('2024-01-09T14:30:00Z,1,2,0.5,1.5,10\n')), /looks like data: set data\.has_header to false/)
  await assert.rejects(ingestCsv(file('a\n'), { delimiter: ':' }), (e: unknown) => e instanceof FactoryError && e.code === 'E_CONFIG' && /data\.delimiter; valid:/.test(e.message))
  await assert.rejects(ingestCsv(file('a\n'), { epoch_unit: 'min' as never }), /invalid value "min" at data\.epoch_unit; valid: s, ms, us, ns, auto/)
  await assert.rejects(ingestCsv(file('a\n'), { timestamp_is: 'close' }), /bar_size is not set/)
  await assert.rejects(ingestCsv(file('a\n'), { colums: {} } as never), /unknown option 'colums' at data\.colums/)
  await assert.rejects(ingestCsv(join(dir, 'nope.csv')), (e: unknown) => e instanceof FactoryError && e.code === 'E_FILE_NOT_FOUND')
})

test('ISO variants: offsets, fractions, space separator, date-only; local times converted from the given zone', async () => {
  const p = file(['timestamp,open,high,low,close,volume', '2024-01-09T14:30:00Z,1,2,0.5,1.5,1', '2024-01-09T09:31:00-05:00,1,2,0.5,1.5,1', '2024-01-09 14:32:00.250,1,2,0.5,1.5,1', '2024-01-10,1,2,0.5,1.5,1'].join('\n'))
  const utc = await ingestCsv(p)
  assert.deepEqual(Array.from(utc.bars.ts), [T, T + 60_000, T + 120_250, Date.UTC(2024, 0, 10)])
  const ct = await ingestCsv(p, { timezone: 'America/Chicago' })
  // rows with Z or an offset keep their instant; rows without are Chicago wall time (UTC−6 in January)
  assert.deepEqual(Array.from(ct.bars.ts), [T, T + 60_000, T + 120_250 + 6 * 3_600_000, Date.UTC(2024, 0, 10, 6)])
  await assert.rejects(ingestCsv(p, { timezone: 'Mars/Base' }), /unknown time zone 'Mars\/Base' at data\.timezone/)
})

test("timestamp_is: 'close' shifts stamps back by bar_size to bar open", async () => {
  const p = file(`timestamp,open,high,low,close,volume\n2024-01-09T14:31:00Z,1,2,0.5,1.5,1\n2024-01-09T14:36:00Z,1,2,0.5,1.5,1\n`)
  const r = await ingestCsv(p, { timestamp_is: 'close', bar_size: '5m' })
  assert.deepEqual(Array.from(r.bars.ts), [T + 60_000 - 300_000, T + 360_000 - 300_000])
})

test('unparseable rows are findings with file, line, column and raw value; the rest still parse', async () => {
  const p = file(['timestamp,open,high,low,close,volume', '2024-01-09T14:30:00Z,1,2,0.5,1.5,1', '2024-01-09T14:31:00Z,1,2,0.5,abc,1', '2024-01-09T14:32:00Z,1,,0.5,1.5,1', 'garbage', '2024-01-09T14:34:00Z,"1",2,0.5, 1.5 ,1'].join('\n'))
  const r = await ingestCsv(p)
  assert.equal(r.stats.unparseableRows, 2)
  assert.deepEqual(r.rawFindings.map((f) => [f.line, f.column, f.value]), [[3, 'close', 'abc'], [5, undefined, 'garbage']])
  assert.equal(r.rawFindings[0].file, p)
  assert.deepEqual(Array.from(r.bars.line!), [2, 4, 6])
  assert.ok(Number.isNaN(r.bars.high[1])) // empty cell: NaN for nan_or_empty, not unparseable
  assert.equal(r.bars.close[2], 1.5) // quotes and blanks trimmed
})

test('gzip is detected by magic bytes, not by name; progress reaches 1', async () => {
  const text = 'timestamp,open,high,low,close,volume\n' + Array.from({ length: 50_000 }, (_, i) => `${new Date(T + i * 60_000).toISOString()},1,2,0.5,1.5,${i}`).join('\n')
  const p = file(gzipSync(text), '.dat')
  const seen: number[] = []
  const r = await ingestCsv(p, {}, undefined, (f) => seen.push(f))
  assert.equal(r.stats.compressed, true)
  assert.equal(r.bars.length, 50_000)
  assert.equal(r.bars.volume[49_999], 49_999)
  assert.equal(seen[seen.length - 1], 1)
  assert.ok(seen.every((f, i) => i === 0 || f >= seen[i - 1]))
  const plain = await ingestCsv(file(text, '.csv.gz'))
  assert.equal(plain.stats.compressed, false)
  assert.match(plain.stats.notes[0], /not gzip-compressed/)
})

test('an AbortSignal cancels with E_CANCELLED', async () => {
  const text = 'timestamp,open,high,low,close,volume\n' + `${new Date(T).toISOString()},1,2,0.5,1.5,1\n`.repeat(200_000)
  const p = file(text)
  const ac = new AbortController()
  await assert.rejects(ingestCsv(p, {}, ac.signal, (f) => f > 0.2 && ac.abort()), (e: unknown) => e instanceof FactoryError && e.code === 'E_CANCELLED')
  const pre = new AbortController()
  pre.abort()
  await assert.rejects(ingestCsv(p, {}, pre.signal), /cancelled/)
})

test('lines split across read chunks are reassembled (rows straddle the 1 MiB boundary)', async () => {
  const rows = Array.from({ length: 60_000 }, (_, i) => `${T + i * 60_000},${i}.5,${i + 1},${i},${i}.25,${i}`)
  const r = await ingestCsv(file('ts,o,h,l,c,v\n' + rows.join('\r\n')))
  assert.equal(r.bars.length, 60_000)
  for (let i = 0; i < 60_000; i += 997) {
    assert.equal(r.bars.open[i], i + 0.5)
    assert.equal(r.bars.volume[i], i)
    assert.equal(r.bars.ts[i], T + i * 60_000)
  }
})
