import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FactoryError, type ErrorCode } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import type { IngestOptions } from '../ingest/types.ts'
import { loadValidatedBars } from './loadValidated.ts'

const DIR = new URL('../ingest/fixtures/', import.meta.url).pathname

interface Case {
  file: string
  /** error code, or null when the file must be accepted */
  code: ErrorCode | null
  line?: number
  /** texts the message must contain besides the file path (column, value, check name) */
  says?: string[]
  data?: IngestOptions
  rows?: number
}

const CASES: Case[] = [
  { file: 'bad_number.csv', code: 'E_VALIDATION', line: 4, says: ['unparseable', "column 'close'", "'4801.2.5'"] },
  { file: 'missing_column.csv', code: 'E_CSV_HEADER', line: 1, says: ["'close'", "header found: 'timestamp,open,high,low,volume'"] },
  { file: 'empty_field.csv', code: 'E_VALIDATION', line: 3, says: ['nan_or_empty', "column 'volume'", 'empty or NaN'] },
  { file: 'nan_text.csv', code: 'E_VALIDATION', line: 5, says: ['nan_or_empty', "column 'high'"] },
  { file: 'duplicate_timestamp.csv', code: 'E_VALIDATION', line: 6, says: ['duplicate_timestamp', '2024-01-09T14:33:00Z', 'repeats line 5'] },
  { file: 'unsorted.csv', code: 'E_VALIDATION', line: 5, says: ['unsorted', '2024-01-09T14:32:00Z', 'earlier than 2024-01-09T14:33:00Z on line 4'] },
  { file: 'high_below_low.csv', code: 'E_VALIDATION', line: 4, says: ['high_below_low', "column 'high' value '4799' is below low 4800"] },
  { file: 'high_below_low.csv.gz', code: 'E_VALIDATION', line: 151, says: ['high_below_low', "column 'high' value '4799' is below low 4800"] },
  { file: 'open_above_high.csv', code: 'E_VALIDATION', line: 5, says: ['open_close_outside_range', "column 'open' value '4805' is above high 4802"] },
  { file: 'close_below_low.csv', code: 'E_VALIDATION', line: 3, says: ['open_close_outside_range', "column 'close' value '4790' is below low 4799.5"] },
  { file: 'zero_price.csv', code: 'E_VALIDATION', line: 4, says: ['non_positive_price', "column 'low' value '0'"] },
  { file: 'negative_price.csv', code: 'E_VALIDATION', line: 3, says: ['non_positive_price', "column 'open' value '-4800.25'"] },
  { file: 'zero_volume.csv', code: 'E_VALIDATION', line: 5, says: ['zero_volume', "column 'volume' value '0'"] },
  { file: 'bad_month.csv', code: 'E_VALIDATION', line: 4, says: ['unparseable', "column 'timestamp'", "'2024-13-09T14:32:00Z'"] },
  { file: 'feb30.csv', code: 'E_VALIDATION', line: 3, says: ['unparseable', "column 'timestamp'", "'2024-02-30T14:31:00Z'"] },
  { file: 'epoch_garbage.csv', code: 'E_VALIDATION', line: 4, says: ['unparseable', "column 'timestamp'", "'17048110800x0'"] },
  { file: 'wrong_delimiter.csv', code: 'E_CSV_HEADER', line: 1, says: ["'timestamp'", "header found: 'timestamp;open;high;low;close;volume'", "delimiter to ';'"] },
  { file: 'too_few_fields.csv', code: 'E_VALIDATION', line: 4, says: ['unparseable', 'row has 5 fields, expected 6', '2024-01-09T14:32:00Z,4800.5'] },
  { file: 'too_many_fields.csv', code: 'E_VALIDATION', line: 3, says: ['unparseable', 'row has 7 fields, expected 6', ',101,7'] },
  { file: 'truncated.csv.gz', code: 'E_FILE_FORMAT', says: ['truncated or corrupt', 'unexpected end of file'] },
  { file: 'not_gzip.csv.gz', code: 'E_FILE_FORMAT', says: ['neither gzip', '42 5a', 'expected 1f 8b'] },
  { file: 'dst_ambiguous.csv', code: 'E_TZ_AMBIGUOUS', line: 4, says: ["'2024-11-03 01:30:00'", 'America/Chicago'], data: { timezone: 'America/Chicago' } },
  { file: 'dst_nonexistent.csv', code: 'E_TZ_NONEXISTENT', line: 4, says: ["'2024-03-10 02:30:00'", 'America/Chicago'], data: { timezone: 'America/Chicago' } },
  { file: 'outsized_jump.csv', code: 'E_VALIDATION', line: 122, says: ['outsized_jump', "column 'close'", 'threshold 150×'] },
  { file: 'gap_in_session.csv', code: 'E_VALIDATION', line: 12, says: ['gaps', '5 in-session bars missing', '2024-01-09T14:39:00Z (line 11)', '2024-01-09T14:45:00Z'] },
  { file: 'outside_session.csv', code: 'E_VALIDATION', line: 5, says: ['outside_session', '2024-01-09T22:00:00Z', 'Tue 2024-01-09 16:00 America/Chicago'] },
  { file: 'empty.csv', code: 'E_EMPTY_DATA', says: ['is empty'] },
  { file: 'header_only.csv', code: 'E_EMPTY_DATA', line: 1, says: ['header but no data rows'] },
  // accepted as they are
  { file: 'ok_clean.csv', code: null, rows: 10 },
  { file: 'bom.csv', code: null, rows: 5 },
  { file: 'crlf.csv', code: null, rows: 5 },
  { file: 'trailing_blank_lines.csv', code: null, rows: 5 },
  { file: 'plain_text_named.csv.gz', code: null, rows: 5 },
]

/** The shape every write path has: validated bars first, then the writer. */
async function importThenWrite(path: string, data: IngestOptions, write: (b: Bars) => void): Promise<Bars> {
  const { bars } = await loadValidatedBars(path, { data, validation: { instrument: 'ES', barSize: '1m' } })
  write(bars)
  return bars
}

test('there are at least 25 malformed fixtures and every fixture file is in the table', () => {
  const files = readdirSync(DIR).filter((f) => /\.csv(\.gz)?$/.test(f))
  assert.deepEqual(files.filter((f) => !CASES.some((c) => c.file === f)), [])
  assert.ok(CASES.filter((c) => c.code !== null).length >= 25)
})

for (const c of CASES) {
  test(`fixture ${c.file} → ${c.code ?? 'accepted'}`, async () => {
    const path = join(DIR, c.file)
    const out = mkdtempSync(join(tmpdir(), 'ingest-fixture-'))
    let writes = 0
    const writer = (b: Bars) => {
      writes++
      writeFileSync(join(out, 'bars.bin'), Buffer.from(b.close.buffer))
    }
    if (c.code === null) {
      const bars = await importThenWrite(path, c.data ?? {}, writer)
      assert.equal(bars.length, c.rows)
      assert.equal(writes, 1)
      assert.equal(bars.ts[0], Date.UTC(2024, 0, 9, 14, 30))
      assert.equal(bars.close[1], 4800.75) // CRLF/BOM must not leak into the first or last cell
      assert.equal(bars.volume[bars.length - 1], 100 + bars.length - 1)
      return
    }
    await assert.rejects(importThenWrite(path, c.data ?? {}, writer), (e: unknown) => {
      assert.ok(e instanceof FactoryError, String(e))
      assert.equal(e.code, c.code, e.message)
      assert.ok(e.message.includes(path), `message names the file: ${e.message}`)
      if (c.line !== undefined) {
        assert.ok(e.message.includes(`${path}:${c.line}`), `message names line ${c.line}: ${e.message}`)
        assert.equal(e.details.line, c.line)
      }
      for (const s of c.says ?? []) assert.ok(e.message.includes(s), `message mentions ${s}: ${e.message}`)
      return true
    })
    assert.equal(writes, 0, 'the writer must not run when ingest or validation fails')
    assert.deepEqual(readdirSync(out), [], 'nothing written')
  })
}
