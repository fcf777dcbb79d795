import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../cli.ts'

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = ''
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') })
  return { code, out, err }
}

test('train fast_baseline on the shipped sample, then runs list/show find it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-train-'))
  const db = join(dir, 'runs.sqlite')
  const t = await run(['train', '--config', 'configs/presets/fast_baseline.yaml', '--db', db, '--json'])
  assert.equal(t.code, 0, t.out + t.err)
  const r = JSON.parse(t.out)
  assert.equal(typeof r.runId, 'number')
  for (const m of ['logit', 'lgbm']) {
    const auc = r.summary.oof[m].p_up.auc
    assert.ok(auc > 0.3 && auc < 0.7, `${m} OOF AUC ${auc}`)
  }
  const l = await run(['runs', 'list', '--db', db, '--json'])
  assert.equal(l.code, 0)
  const runs = JSON.parse(l.out).runs
  assert.equal(runs.length, 1)
  assert.equal(runs[0].status, 'finished')
  const s = await run(['runs', 'show', String(r.runId), '--db', db, '--json'])
  const shown = JSON.parse(s.out)
  assert.match(shown.config, /name: fast_baseline/)
  assert.equal(shown.folds.filter((f: { role: string }) => f.role === 'cv').length, 5)
  assert.ok(shown.metrics.some((m: { scope: string; name: string }) => m.scope === 'test' && m.name === 'auc'))
  const missing = await run(['runs', 'show', '999', '--db', db, '--json'])
  assert.equal(missing.code, 1)
  assert.match(JSON.parse(missing.out).error.message, /no run #999.*recent runs: 1/)
})

test('a bad config is refused with its location and creates no run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-train-'))
  const db = join(dir, 'runs.sqlite')
  const cfg = join(dir, 'bad.yaml')
  writeFileSync(cfg, readFileSync('configs/presets/fast_baseline.yaml', 'utf8').replace('num_leaves: 31', 'num_leaves: 0'))
  const t = await run(['train', '--config', cfg, '--db', db, '--json'])
  assert.equal(t.code, 1)
  const e = JSON.parse(t.out).error
  assert.equal(e.code, 'E_CONFIG')
  assert.match(e.message, /bad\.yaml:\d+:\d+.*base_models\[1\]\.params\.num_leaves/)
  assert.equal(existsSync(db), false, 'no store was created for a refused config')
})

test('fit-predict writes every output of the component for the test CSV', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-fp-'))
  const mk = (n: number, seed: number) => {
    let s = seed
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1
    const lines = ['timestamp,a,b,y']
    for (let i = 0; i < n; i++) {
      const a = rnd(), b = rnd()
      lines.push(`2024-01-01T00:${String(i % 60).padStart(2, '0')}:00Z,${a},${b},${a + 0.3 * rnd() > 0 ? 1 : 0}`)
    }
    return lines.join('\n') + '\n'
  }
  writeFileSync(join(dir, 'tr.csv'), mk(400, 1))
  writeFileSync(join(dir, 'te.csv'), mk(100, 2))
  const out = join(dir, 'out.csv')
  const r = await run(['fit-predict', 'logistic', '--train', join(dir, 'tr.csv'), '--test', join(dir, 'te.csv'), '--target', 'y', '--out', out, '--json'])
  assert.equal(r.code, 0, r.out)
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  assert.equal(lines[0], 'timestamp,p_up')
  assert.equal(lines.length, 101)
  // strongly predictive feature a → confident, correct probabilities on the test rows
  const te = readFileSync(join(dir, 'te.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
  let right = 0
  lines.slice(1).forEach((l, i) => (right += (Number(l.split(',')[1]) > 0.5 ? 1 : 0) === Number(te[i][3]) ? 1 : 0))
  assert.ok(right / 100 > 0.8, `accuracy ${right / 100}`)
  const bad = await run(['fit-predict', 'logistic', '--train', join(dir, 'tr.csv'), '--test', join(dir, 'te.csv'), '--target', 'zz', '--out', join(dir, 'x.csv'), '--json'])
  assert.equal(bad.code, 1)
  assert.match(JSON.parse(bad.out).error.message, /target column 'zz'.*numeric columns: a, b, y/)
  assert.equal(existsSync(join(dir, 'x.csv')), false)
})

test('fit-predict fits calibrators and conformal methods with the documented column conventions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'factory-fp-inf-'))
  let s = 7
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const mk = (n: number) => {
    const lines = ['p_up,E_r,label,ret']
    for (let i = 0; i < n; i++) {
      const z = rnd() * 4 - 2
      const p = 1 / (1 + Math.exp(-3 * z)) // over-confident
      const label = rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0
      const er = rnd() * 2 - 1
      lines.push(`${p},${er},${label},${er + (rnd() - 0.5)}`)
    }
    return lines.join('\n') + '\n'
  }
  writeFileSync(join(dir, 'tr.csv'), mk(600))
  writeFileSync(join(dir, 'te.csv'), mk(200))
  const iso = await run(['fit-predict', 'isotonic', '--train', join(dir, 'tr.csv'), '--test', join(dir, 'te.csv'), '--target', 'label', '--inputs', 'p_up', '--out', join(dir, 'iso.csv'), '--json'])
  assert.equal(iso.code, 0, iso.out)
  const cal = readFileSync(join(dir, 'iso.csv'), 'utf8').trim().split('\n')
  assert.equal(cal[0], 'p_up')
  assert.ok(cal.slice(1).every((l) => Number(l) >= 0 && Number(l) <= 1))
  const sc = await run(['fit-predict', 'split_conformal', '--train', join(dir, 'tr.csv'), '--test', join(dir, 'te.csv'), '--target', 'ret', '--inputs', 'E_r', '--out', join(dir, 'sc.csv'), '--json'])
  assert.equal(sc.code, 0, sc.out)
  const rows = readFileSync(join(dir, 'sc.csv'), 'utf8').trim().split('\n')
  assert.equal(rows[0], 'q05,q95,uncertainty')
  const te = readFileSync(join(dir, 'te.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number))
  let covered = 0
  rows.slice(1).forEach((l, i) => {
    const [lo, hi] = l.split(',').map(Number)
    if (te[i][3] >= lo && te[i][3] <= hi) covered++
  })
  assert.ok(covered / 200 > 0.8, `split conformal covered ${covered / 200}`)
  const unknown = await run(['fit-predict', 'nope', '--train', 'a', '--test', 'b', '--target', 'y', '--out', 'c', '--json'])
  assert.match(JSON.parse(unknown.out).error.message, /unknown component 'nope'; known: .*isotonic.*logistic/)
})
