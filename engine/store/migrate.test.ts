import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { FactoryError } from '../contracts/errors.ts'
import { migrate } from './migrate.ts'
import { MIGRATIONS } from './migrations/index.ts'
import { openRunStore } from './runStore.ts'

function tmpDb(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'factory-store-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'nested', 'runs.sqlite')
}

function storeError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof FactoryError && e.code === 'E_STORE' && re.test(e.message))
}

const TABLES = ['artifacts', 'bundles', 'coverage', 'drift_events', 'equity', 'folds', 'metrics', 'oof_predictions', 'reliability_bins', 'run_configs', 'runs', 'schema_migrations']

test('a fresh store gets every table, WAL, synchronous=FULL and foreign keys', (t) => {
  const file = tmpDb(t)
  const s = openRunStore({ path: file })
  const tables = (s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
  assert.deepEqual(tables, TABLES)
  assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal')
  assert.equal(s.db.pragma('synchronous', { simple: true }), 2)
  assert.equal(s.db.pragma('foreign_keys', { simple: true }), 1)
  s.close()
})

test('applying migrations is idempotent', (t) => {
  const file = tmpDb(t)
  openRunStore({ path: file }).close()
  const s = openRunStore({ path: file })
  assert.deepEqual(migrate(s.db, file), [])
  const rows = s.db.prepare('SELECT version, name FROM schema_migrations').all()
  assert.deepEqual(rows, [{ version: 1, name: 'init' }])
  s.close()
})

test('a later migration is applied forward on an existing store, once', (t) => {
  const file = tmpDb(t)
  const s = openRunStore({ path: file })
  const next = [...MIGRATIONS, { version: 2, name: 'add_notes', sql: 'ALTER TABLE runs ADD COLUMN notes TEXT' }]
  assert.deepEqual(migrate(s.db, file, next), [2])
  assert.deepEqual(migrate(s.db, file, next), [])
  s.db.prepare("INSERT INTO runs (name, status, created_at, notes) VALUES ('a', 'finished', 0, 'n')").run()
  s.close()
})

test('a store from a newer build, an edited migration or a gap in the list is refused', (t) => {
  const file = tmpDb(t)
  openRunStore({ path: file }).close()
  const db = new Database(file)
  db.prepare("INSERT INTO schema_migrations VALUES (7, 'future', 'x', 0)").run()
  db.close()
  storeError(() => openRunStore({ path: file }), /has schema version 7, newer than this build knows \(1\); update ML Factory or choose another database with --db/)
  storeError(() => openRunStore({ path: file, readonly: true }), /newer than this build knows/)

  const file2 = tmpDb(t)
  openRunStore({ path: file2 }).close()
  const db2 = new Database(file2)
  const edited = [{ ...MIGRATIONS[0], sql: MIGRATIONS[0].sql + '\n-- edited' }]
  storeError(() => migrate(db2, file2, edited), /migration 001_init differs from the one applied/)
  storeError(() => migrate(db2, file2, [...MIGRATIONS, { version: 3, name: 'gap', sql: '' }]), /position 2 holds version 3/)
  db2.close()
})

test('a failing migration leaves the store at its previous version', (t) => {
  const file = tmpDb(t)
  openRunStore({ path: file }).close()
  const db = new Database(file)
  assert.throws(() => migrate(db, file, [...MIGRATIONS, { version: 2, name: 'broken', sql: 'CREATE TABLE x (a INT); SELEC nonsense' }]))
  assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').all(), [{ version: 1 }])
  assert.deepEqual(db.prepare("SELECT count(*) AS c FROM sqlite_master WHERE name = 'x'").get(), { c: 0 })
  db.close()
})
