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
