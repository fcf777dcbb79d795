import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { FactoryError } from '../contracts/errors.ts'
import { formatIsoUtc, formatNumber, writeBarsCsv, writeColumnsCsv } from './csvWrite.ts'
import { ingestCsv } from './ingest/index.ts'
import { synthBars } from './synthetic/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'csvwrite-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
const fresh = (name: string): string => {
  const d = mkdtempSync(join(dir, 'case-'))
  return join(d, name)
}
const listing = (p: string): string[] => readdirSync(join(p, '..'))

async function rejectsWith(p: Promise<unknown>, code: string): Promise<FactoryError> {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof FactoryError, String(e))
    assert.equal(e.code, code, e.message)
    return e
  }
  assert.fail(`expected ${code}`)
}

test('formatIsoUtc and formatNumber: the shared data files\' spelling', () => {
  assert.equal(formatIsoUtc(Date.UTC(2024, 0, 1, 23, 1)), '2024-01-01T23:01:00Z')
  assert.equal(formatIsoUtc(Date.UTC(1969, 11, 31, 23, 59, 59)), '1969-12-31T23:59:59Z')
  assert.equal(formatIsoUtc(Date.UTC(2013, 9, 6, 22, 0, 5, 250)), '2013-10-06T22:00:05.250Z')
  assert.equal(formatNumber(1.1076), '1.1076')
  assert.equal(formatNumber(205), '205')
  assert.equal(formatNumber(4000.5), '4000.5')
  assert.equal(formatNumber(NaN), '')
  assert.equal(formatNumber(-Infinity), '-inf')
})

test('bars: exact header and row text; reading back with ingestCsv returns the same numbers', async () => {
  const bars = synthBars({ kind: 'random_walk', bars: 50_000, seed: 1 })
  const path = fresh('bars.csv')
  const res = await writeBarsCsv(path, bars, { chunkBytes: 4096 })
  assert.deepEqual({ rows: res.rows, gzip: res.gzip }, { rows: 50_000, gzip: false })
  const text = readFileSync(path, 'utf8')
  assert.equal(res.bytes, Buffer.byteLength(text))
  const lines = text.split('\n')
  assert.equal(lines[0], 'timestamp,open,high,low,close,volume')
  assert.equal(lines[1], `2024-01-01T00:00:00Z,100,${bars.high[0]},${bars.low[0]},${bars.close[0]},${bars.volume[0]}`)
  assert.match(lines[50_000], /^2024-02-04T17:19:00Z,/)
  assert.equal(lines.length, 50_002) // header + rows + the empty string after the final newline
  const back = await ingestCsv(path)
  for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(back.bars[k], bars[k], k)
  assert.deepEqual(listing(path), ['bars.csv'])
})

test('.csv.gz: gunzipSync gives exactly the plain CSV text', async () => {
  const bars = synthBars({ kind: 'planted', bars: 30_000, seed: 2, tickSize: 0.25, startPrice: 4000 })
  const plain = fresh('x.csv')
  const gz = fresh('x.csv.gz')
  await writeBarsCsv(plain, bars)
  const res = await writeBarsCsv(gz, bars, { chunkBytes: 10_000 })
  assert.equal(res.gzip, true)
  const raw = readFileSync(gz)
  assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b])
  assert.equal(gunzipSync(raw).toString('utf8'), readFileSync(plain, 'utf8'))
  assert.ok(raw.length < readFileSync(plain).length / 3)
  // tick-rounded prices print without float noise
  assert.match(readFileSync(plain, 'utf8').split('\n')[1], /^2024-01-01T00:00:00Z,4000,\d+(\.(25|5|75))?,\d+(\.(25|5|75))?,\d+(\.(25|5|75))?,\d+$/)
})

test('named columns: formats, NaN as empty, text quoted only when it needs it', async () => {
  const path = fresh('labels.csv')
  await writeColumnsCsv(path, [
    { name: 'ts', values: new Float64Array([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2, 3, 4, 5)]), format: 'iso' },
    { name: 'label', values: new Int8Array([1, -1]) },
    { name: 'p_up', values: [0.123456, NaN], format: { decimals: 3 } },
    { name: 'split', values: ['train', 'test, "final"'] },
    { name: 'x', values: new Float64Array([Infinity, -0.000001]), format: { decimals: 2 } },
    { name: 'tag', values: [7, 8], format: (v, row) => `r${row}:${v}` },
  ])
  assert.equal(
    readFileSync(path, 'utf8'),
    'ts,label,p_up,split,x,tag\n' + '2024-01-01T00:00:00Z,1,0.123,train,inf,r0:7\n' + '2024-01-02T03:04:05Z,-1,,"test, ""final""",0,r1:8\n',
  )
})

test('an error part-way leaves no output and no temp file; an existing target keeps its old content', async () => {
  const path = fresh('out.csv')
  writeFileSync(path, 'old\n')
  const n = 200_000
  const bomb = new Proxy(new Float64Array(n), {
    get(target, key) {
      if (key === '150000') throw new Error('value source failed at row 150000')
      const v = Reflect.get(target, key)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  const err = await rejectsWith(writeColumnsCsv(path, [{ name: 'a', values: new Float64Array(n) }, { name: 'b', values: bomb }], { chunkBytes: 65_536 }), 'E_IO')
  assert.match(err.message, /row 150000/)
  assert.deepEqual(listing(path), ['out.csv'])
  assert.equal(readFileSync(path, 'utf8'), 'old\n')

  const gzPath = fresh('out.csv.gz')
  await rejectsWith(writeColumnsCsv(gzPath, [{ name: 'b', values: bomb }], { chunkBytes: 65_536 }), 'E_IO')
  assert.deepEqual(listing(gzPath), [])
})

test('cancelling through the signal leaves nothing', async () => {
  const path = fresh('c.csv')
  const ac = new AbortController()
  let calls = 0
  const values = { length: 100_000 } as { length: number; [i: number]: number }
  const src = new Proxy(values, { get: (t, k) => (k === 'length' ? t.length : (++calls === 50_000 && ac.abort(), 1)) })
  await rejectsWith(writeColumnsCsv(path, [{ name: 'v', values: src }], { signal: ac.signal, chunkBytes: 1024 }), 'E_CANCELLED')
  assert.deepEqual(listing(path), [])
})

test('bad paths, extensions, shapes and formats are refused before any file exists', async () => {
  const bars = synthBars({ kind: 'random_walk', bars: 10, seed: 1 })
  const missing = join(dir, 'no-such-dir', 'x.csv')
  const e = await rejectsWith(writeBarsCsv(missing, bars), 'E_IO')
  assert.match(e.message, /no-such-dir.*does not exist/)
  assert.equal(existsSync(join(dir, 'no-such-dir')), false)
  const ext = await rejectsWith(writeBarsCsv(fresh('x.parquet'), bars), 'E_FILE_FORMAT')
  assert.deepEqual(ext.details.valid, ['.csv', '.csv.gz'])
  const p = fresh('s.csv')
  const shape = await rejectsWith(writeColumnsCsv(p, [{ name: 'a', values: [1, 2] }, { name: 'b', values: [1] }]), 'E_SHAPE')
  assert.equal(shape.details.column, 'b')
  await rejectsWith(writeColumnsCsv(p, [{ name: 'a', values: [1] }, { name: 'a', values: [2] }]), 'E_PARAM')
  await rejectsWith(writeColumnsCsv(p, [{ name: 'a', values: [1], format: { decimals: -1 } }]), 'E_PARAM')
  await rejectsWith(writeColumnsCsv(p, []), 'E_PARAM')
  await rejectsWith(writeBarsCsv(fresh('g.csv.gz'), bars, { gzipLevel: 0 }), 'E_PARAM')
  assert.deepEqual(listing(p), [])
})
