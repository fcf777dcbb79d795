import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { openRunStore } from './runStore.ts'

const CHILD = fileURLToPath(new URL('./testing/storeChild.ts', import.meta.url))

function tmpDb(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'factory-crash-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'runs.sqlite')
}

/** Start the child and resolve with its first stdout line. */
function startChild(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })))
  const line = new Promise<string>((res, rej) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      if (out.includes('\n')) res(out.split('\n')[0])
    })
    void exited.then(({ code }) => rej(new Error(`child exited (${code}) before reporting: ${err}`)))
  })
  return { child, line, exited }
}

test('a run whose process is SIGKILLed mid-write is marked interrupted on reopen; committed data survives, uncommitted does not', async (t) => {
  const file = tmpDb(t)
  const { child, line, exited } = startChild(['kill-mid-write', file])
  const ready = await line
  const runId = Number(ready.split(' ')[1])

  // WAL: while the child holds the write lock, another process can still read the committed state.
  const reader = openRunStore({ path: file, readonly: true })
  assert.equal(reader.getRun(runId)!.status, 'running')
  assert.deepEqual(reader.listMetrics(runId), [])
  reader.close()

  child.kill('SIGKILL')
  assert.equal((await exited).signal, 'SIGKILL')

  const s = openRunStore({ path: file })
  assert.deepEqual(s.recovered, [runId])
  const run = s.getRun(runId)!
  assert.equal(run.status, 'interrupted')
  assert.equal(run.error!.code, 'E_INTERRUPTED')
  assert.match(run.error!.message, new RegExp(`pid ${child.pid}`))
  assert.ok(run.finishedAt !== null)
  assert.equal(s.integrityCheck(), 'ok')
  assert.equal(s.readOof(runId, 'm', 'p_up').values.length, 100) // committed before the kill
  assert.deepEqual(s.listMetrics(runId), []) // in the killed transaction
  s.close()
  // recovery happens once
  const again = openRunStore({ path: file })
  assert.deepEqual(again.recovered, [])
  again.close()
})

test('a run owned by a live process is not marked interrupted by another opener', (t) => {
  const file = tmpDb(t)
  const owner = openRunStore({ path: file })
  const live = owner.createRun({ name: 'training now', status: 'running' })
  // a run left by a process that no longer exists (pid far above pid_max)
  const dead = owner.createRun({ name: 'orphan', status: 'queued' })
  owner.db.prepare('UPDATE runs SET owner_pid = 2147483646 WHERE id = ?').run(dead.id)
  const other = openRunStore({ path: file })
  assert.deepEqual(other.recovered, [dead.id])
  assert.equal(other.getRun(live.id)!.status, 'running')
  assert.equal(other.getRun(dead.id)!.status, 'interrupted')
  other.close()
  owner.close()
})

test('WAL: a reader keeps its snapshot while a writer commits, and neither blocks the other', (t) => {
  const file = tmpDb(t)
  const writer = openRunStore({ path: file })
  writer.createRun({ name: 'first' })
  const reader = new Database(file, { readonly: true })
  const count = reader.prepare('SELECT count(*) FROM runs').pluck()
  reader.exec('BEGIN') // the snapshot starts with the first read
  assert.equal(count.get(), 1)
  // In rollback-journal mode this commit would fail with SQLITE_BUSY behind the reader's lock.
  writer.createRun({ name: 'second' })
  assert.equal(count.get(), 1)
  reader.exec('COMMIT')
  assert.equal(count.get(), 2)
  reader.close()
  writer.close()
})

test('another process writing while this one reads: every read sees whole transactions', async (t) => {
  const file = tmpDb(t)
  openRunStore({ path: file }).close()
  const { line, exited } = startChild(['writer', file, '300'])
  const reader = openRunStore({ path: file, readonly: true })
  const inconsistent = reader.db.prepare("SELECT count(*) FROM runs WHERE status = 'finished' AND summary IS NULL").pluck()
  let reads = 0
  let last = 0
  let midway = 0
  let done = false
  void line.then(() => (done = true))
  while (!done) {
    const runs = reader.listRuns()
    assert.ok(runs.length >= last, 'a later read never sees fewer runs')
    last = runs.length
    if (last > 0 && last < 300) midway++
    assert.equal(inconsistent.get(), 0)
    reads++
    await new Promise((r) => setImmediate(r))
  }
  assert.equal((await exited).code, 0)
  assert.equal(reader.listRuns({ status: 'finished' }).length, 300)
  // reads happened while the writer was part-way through, not only before or after it
  assert.ok(midway > 0, `reads: ${reads}, of which mid-way: ${midway}`)
  reader.close()
})
