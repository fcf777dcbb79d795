import { test } from 'node:test'
import assert from 'node:assert/strict'
import { main } from '../cli.ts'

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = ''
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') })
  return { code, out, err }
}

test('help lists every verb; unknown verb names the known ones', async () => {
  const h = await run([])
  assert.equal(h.code, 0)
  assert.match(h.out, /splits/)
  const u = await run(['nope', '--json'])
  assert.equal(u.code, 2)
  const e = JSON.parse(u.out).error
  assert.equal(e.code, 'E_USAGE')
  assert.match(e.message, /known: .*splits/)
})

test('splits --json prints folds whose audit passes', async () => {
  const r = await run(['splits', '--bars', '20000', '--folds', '4', '--purge', '60', '--embargo', '1440', '--json'])
  assert.equal(r.code, 0, r.err)
  const s = JSON.parse(r.out)
  assert.equal(s.folds.length, 4)
  assert.equal(s.audit.ok, true)
  for (const f of s.folds) for (const tr of f.train) assert.ok(tr.end <= f.test[0].start - 60)
  assert.ok(s.finalTest.start >= s.development.end + 1440)
})

test('bad option values name the option and the value', async () => {
  const r = await run(['splits', '--bars', '-5', '--folds', '3', '--json'])
  assert.equal(r.code, 2)
  assert.match(JSON.parse(r.out).error.message, /--bars must be a whole number ≥ 1; got '-5'/)
  const m = await run(['splits', '--bars', '5000', '--folds', '3', '--mode', 'random', '--json'])
  assert.match(JSON.parse(m.out).error.message, /expanding, rolling, cpcv/)
  const x = await run(['splits', '--bars', '5000', '--bogus', '1'])
  assert.equal(x.code, 2)
  assert.match(x.err, /--bogus/)
})

import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ES = 'data/samples/es_z13_1m_2013-10_2013-12.csv.gz'
const GC = 'data/samples/gc_z13_1m_2013-10.csv.gz'

test('data inspect reports the ES sample with gaps as warnings', async () => {
  const r = await run(['data', 'inspect', ES, '--instrument', 'ES', '--json'])
  assert.equal(r.code, 0, r.out)
  const j = JSON.parse(r.out)
  assert.equal(j.summary.bars, 16673)
  assert.equal(j.summary.first, '2013-10-06T22:00:00Z')
  assert.equal(j.report.checks.duplicate_timestamp.count, 0)
  assert.equal(j.report.checks.high_below_low.count, 0)
  assert.ok(j.report.checks.gaps.count > 400)
})

test('data synth → labels round trip writes timestamp,label,touch_offset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-cli-'))
  const synth = join(dir, 'rw.csv.gz')
  const s = await run(['data', 'synth', '--kind', 'random_walk', '--bars', '3000', '--seed', '5', '--out', synth, '--json'])
  assert.equal(s.code, 0, s.out)
  const out = join(dir, 'labels.csv')
  const l = await run(['labels', synth, '--instrument', 'BTCUSDT', '--horizon', '20', '--cost-ticks', '1', '--out', out, '--json'])
  assert.equal(l.code, 0, l.out)
  const j = JSON.parse(l.out)
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  assert.equal(lines[0], 'timestamp,label,touch_offset')
  assert.equal(lines.length - 1, j.counts.valid)
  for (const line of lines.slice(1, 200)) {
    const [ts, lab, off] = line.split(',')
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/)
    assert.ok(['-1', '0', '1'].includes(lab))
    assert.ok(Number(off) >= 1 && Number(off) <= 20)
  }
})

test('labels refuses bad data before writing anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-cli-'))
  const bad = join(dir, 'bad.csv')
  writeFileSync(bad, 'timestamp,open,high,low,close,volume\n2024-01-02T00:00:00Z,10,11,9,10,5\n2024-01-02T00:01:00Z,10,9,11,10,5\n')
  const out = join(dir, 'out.csv')
  const r = await run(['labels', bad, '--instrument', 'BTCUSDT', '--out', out, '--json'])
  assert.equal(r.code, 1)
  const e = JSON.parse(r.out).error
  assert.equal(e.code, 'E_VALIDATION')
  assert.match(e.message, /bad\.csv:3/)
  assert.equal(existsSync(out), false)
  assert.deepEqual(readdirSync(dir).sort(), ['bad.csv'])
  // gaps raise by default on real futures data, and the message says how to proceed
  const g = await run(['labels', GC, '--instrument', 'GC'])
  assert.equal(g.code, 1)
  assert.match(g.err, /gaps: 128 gaps/)
})

test('data stage on the ES sample: folds audited, features exported atomically', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-cli-'))
  const out = join(dir, 'es.csv')
  const r = await run(['data', 'stage', ES, '--instrument', 'ES', '--policy', 'gaps=warn', '--features', 'minimal', '--out', out, '--json'])
  assert.equal(r.code, 0, r.out)
  const j = JSON.parse(r.out)
  assert.equal(j.audit.ok, true)
  assert.equal(j.splits.folds.length, 5)
  assert.ok(j.regimes.fittedOn.end <= j.splits.finalTest.start, 'regimes never see the final test span')
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  assert.equal(lines.length, 16674)
  assert.deepEqual(lines[0].split(',').slice(-4), ['label', 'label_end', 'forward_return', 'regime_score'])
  // a config typo fails before the file is read, naming its path
  const bad = await run(['data', 'stage', ES, '--instrument', 'ES', '--features', 'fancy', '--json'])
  assert.equal(bad.code, 1)
  assert.match(JSON.parse(bad.out).error.message, /fancy/)
})
