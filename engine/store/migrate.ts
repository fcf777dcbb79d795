import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { FactoryError } from '../contracts/errors.ts'
import { MIGRATIONS } from './migrations/index.ts'
import type { Migration } from './migrations/index.ts'

/**
 * Applies the numbered migrations a database lacks, all in one IMMEDIATE transaction: two
 * processes opening a fresh file at once serialise on the write lock, and the second finds the
 * work done. Re-applying is a no-op. A database written by a newer build, or whose applied
 * migration text differs from this build's (an edited migration), is refused rather than guessed at.
 */

export function checksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex')
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new FactoryError('E_STORE', `migration list is out of order: position ${i + 1} holds version ${m.version} ('${m.name}')`, { value: m.version, valid: [i + 1] })
  })
}

interface AppliedRow {
  version: number
  name: string
  checksum: string
}

function applied(db: Database.Database): AppliedRow[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
  return exists ? (db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedRow[]) : []
}

/** Refuse a database this build cannot read; returns its schema version (0 = empty). */
export function checkSchema(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const rows = applied(db)
  const version = rows.length ? rows[rows.length - 1].version : 0
  if (version > migrations.length)
    throw new FactoryError(
      'E_STORE',
      `run store ${file} has schema version ${version}, newer than this build knows (${migrations.length}); update ML Factory or choose another database with --db`,
      { file, value: version, valid: [migrations.length] },
    )
  for (const r of rows) {
    const m = migrations[r.version - 1]
    if (checksum(m) !== r.checksum)
      throw new FactoryError(
        'E_STORE',
        `run store ${file}: migration ${String(r.version).padStart(3, '0')}_${r.name} differs from the one applied to this database; migrations are forward-only, add a new one instead of editing`,
        { file, value: r.version },
      )
  }
  return version
}

/** Bring the database up to the latest schema; returns the versions applied now. */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number[] {
  checkList(migrations)
  return db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      checksum    TEXT NOT NULL,
      applied_at  INTEGER NOT NULL
    ) STRICT`)
    const from = checkSchema(db, file, migrations)
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)')
    const done: number[] = []
    for (const m of migrations.slice(from)) {
      db.exec(m.sql)
      insert.run(m.version, m.name, checksum(m), now())
      done.push(m.version)
    }
    return done
  }).immediate()
}
