import type Database from 'better-sqlite3'
import { FactoryError } from '../contracts/errors.ts'
import type { ArtifactRecord, FoldRecord, IndexRange, MetricRecord, MetricScope } from '../contracts/runs.ts'
import { METRIC_SCOPES } from '../contracts/runs.ts'
import { dtypeOf, fromBlob, toBlob } from './codec.ts'

/**
 * Row-level reads and writes of a run's results. Callers (RunStore) wrap writes in an IMMEDIATE
 * transaction and check that the run is still open; these functions check the data itself.
 */

function storeError(msg: string, value?: unknown): FactoryError {
  return new FactoryError('E_STORE', msg, value === undefined ? {} : { value })
}

function checkRanges(ranges: readonly IndexRange[], what: string): number {
  let count = 0
  let prevEnd = -Infinity
  for (const r of ranges) {
    if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.end) || r.start < 0 || r.end <= r.start || r.start < prevEnd)
      throw storeError(`${what} ranges must be ascending, disjoint, non-empty [start, end) bar indices; got ${JSON.stringify(ranges)}`, ranges)
    count += r.end - r.start
    prevEnd = r.end
  }
  return count
}

// ---- folds ----

export function insertFolds(db: Database.Database, runId: number, folds: readonly FoldRecord[]): void {
  const exists = db.prepare('SELECT 1 FROM folds WHERE run_id = ? AND fold = ?')
  const ins = db.prepare(
    'INSERT INTO folds (run_id, fold, role, train, test, train_count, test_count, purged, embargoed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  for (const f of folds) {
    if (!Number.isSafeInteger(f.fold) || f.fold < 0) throw storeError(`fold number must be an integer ≥ 0, got ${f.fold}`, f.fold)
    if (f.role !== 'cv' && f.role !== 'final') throw storeError(`fold role must be cv or final, got '${String(f.role)}'`, f.role)
    if (exists.get(runId, f.fold)) throw storeError(`fold ${f.fold} of run ${runId} is already saved`, f.fold)
    const trainCount = checkRanges(f.train, `fold ${f.fold} train`)
    const testCount = checkRanges(f.test, `fold ${f.fold} test`)
    const plain = (rs: readonly IndexRange[]) => JSON.stringify(rs.map((r) => ({ start: r.start, end: r.end })))
    ins.run(runId, f.fold, f.role, plain(f.train), plain(f.test), trainCount, testCount, f.purged ?? null, f.embargoed ?? null)
  }
}

export function selectFolds(db: Database.Database, runId: number): FoldRecord[] {
  const rows = db.prepare('SELECT fold, role, train, test, purged, embargoed FROM folds WHERE run_id = ? ORDER BY fold').all(runId) as {
    fold: number
    role: 'cv' | 'final'
    train: string
    test: string
    purged: number | null
    embargoed: number | null
  }[]
  return rows.map((r) => ({
    fold: r.fold,
    role: r.role,
    train: JSON.parse(r.train) as IndexRange[],
    test: JSON.parse(r.test) as IndexRange[],
    ...(r.purged !== null ? { purged: r.purged } : {}),
    ...(r.embargoed !== null ? { embargoed: r.embargoed } : {}),
  }))
}

// ---- out-of-fold predictions ----

export interface OofWrite {
  model: string
  output: string
  fold: number
  /** bar index of each value, strictly increasing and inside the fold's test ranges */
  barIndex: Int32Array
  values: Float32Array | Float64Array
  /** bar open times (epoch ms), for alignment checks downstream */
  ts?: Float64Array
}

export interface OofSeries {
  barIndex: Int32Array
  values: Float32Array | Float64Array
  /** null unless every fold's predictions were saved with ts */
  ts: Float64Array | null
  /** fold of each value */
  fold: Int32Array
}

/** Store one BLOB row; contiguous indices (every walk-forward fold) are stored as first_index only. */
export function insertOof(db: Database.Database, runId: number, w: OofWrite): void {
  const where = `model '${w.model}' output '${w.output}' fold ${w.fold} of run ${runId}`
  const n = w.values.length
  dtypeOf(w.values)
  if (!(w.barIndex instanceof Int32Array) || w.barIndex.length !== n)
    throw storeError(`predictions of ${where}: barIndex must be an Int32Array of ${n} indices (one per value)`, w.barIndex?.length)
  if (w.ts !== undefined && (!(w.ts instanceof Float64Array) || w.ts.length !== n))
    throw storeError(`predictions of ${where}: ts must be a Float64Array of ${n} times`, w.ts?.length)
  const foldRow = db.prepare('SELECT test FROM folds WHERE run_id = ? AND fold = ?').get(runId, w.fold) as { test: string } | undefined
  if (!foldRow) throw storeError(`predictions of ${where}: save fold ${w.fold} first (saveFolds)`, w.fold)
  // Predictions outside the fold's test span would be in-sample, i.e. a leak: refuse them.
  const test = JSON.parse(foldRow.test) as IndexRange[]
  let r = 0
  let contiguous = true
  for (let i = 0; i < n; i++) {
    const b = w.barIndex[i]
    if (i > 0 && b <= w.barIndex[i - 1]) throw storeError(`predictions of ${where}: bar indices must increase strictly; row ${i} has ${b} after ${w.barIndex[i - 1]}`, b)
    if (i > 0 && b !== w.barIndex[i - 1] + 1) contiguous = false
    while (r < test.length && b >= test[r].end) r++
    if (r === test.length || b < test[r].start)
      throw storeError(`predictions of ${where}: bar ${b} (row ${i}) is outside the fold's test span ${JSON.stringify(test)}`, b)
  }
  const info = db
    .prepare(
      `INSERT INTO oof_predictions (run_id, model, output, fold, dtype, n, first_index, bar_index, ts, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, model, output, fold) DO NOTHING`,
    )
    .run(runId, w.model, w.output, w.fold, dtypeOf(w.values), n, n ? w.barIndex[0] : 0, contiguous ? null : toBlob(w.barIndex), w.ts ? toBlob(w.ts) : null, toBlob(w.values))
  if (info.changes === 0) throw storeError(`predictions of ${where} are already saved`)
}

interface OofRow {
  fold: number
  dtype: 'f32' | 'f64'
  n: number
  first_index: number
  bar_index: Buffer | null
  ts: Buffer | null
  value: Buffer
}

export function selectOof(db: Database.Database, runId: number, model: string, output: string, q: { role?: 'cv' | 'final'; fold?: number }): OofSeries {
  const rows = db
    .prepare(
      `SELECT o.fold, o.dtype, o.n, o.first_index, o.bar_index, o.ts, o.value FROM oof_predictions o
       JOIN folds f ON f.run_id = o.run_id AND f.fold = o.fold
       WHERE o.run_id = ? AND o.model = ? AND o.output = ? AND f.role = ? ${q.fold !== undefined ? 'AND o.fold = ?' : ''}
       ORDER BY o.first_index, o.fold`,
    )
    .all(runId, model, output, q.role ?? 'cv', ...(q.fold !== undefined ? [q.fold] : [])) as OofRow[]
  if (!rows.length) {
    const stored = db.prepare('SELECT DISTINCT model || \'/\' || output AS k FROM oof_predictions WHERE run_id = ? ORDER BY k').all(runId) as { k: string }[]
    throw new FactoryError('E_STORE', `run ${runId} has no ${q.role ?? 'cv'} predictions of ${model}/${output}${q.fold !== undefined ? ` on fold ${q.fold}` : ''}; stored: ${stored.map((s) => s.k).join(', ') || '(none)'}`, {
      value: `${model}/${output}`,
      valid: stored.map((s) => s.k),
    })
  }
  const total = rows.reduce((a, r) => a + r.n, 0)
  const f64 = rows.some((r) => r.dtype === 'f64')
  const values = f64 ? new Float64Array(total) : new Float32Array(total)
  const barIndex = new Int32Array(total)
  const fold = new Int32Array(total)
  const ts = rows.every((r) => r.ts !== null) ? new Float64Array(total) : null
  let k = 0
  for (const r of rows) {
    const what = `oof ${model}/${output} fold ${r.fold} of run ${runId}`
    values.set(fromBlob(r.value, r.dtype, r.n, what), k)
    if (r.bar_index) barIndex.set(fromBlob(r.bar_index, 'i32', r.n, what), k)
    else for (let i = 0; i < r.n; i++) barIndex[k + i] = r.first_index + i
    if (ts && r.ts) ts.set(fromBlob(r.ts, 'f64', r.n, what), k)
    fold.fill(r.fold, k, k + r.n)
    k += r.n
  }
  return { barIndex, values, ts, fold }
}

// ---- metrics ----

export function upsertMetrics(db: Database.Database, runId: number, metrics: readonly MetricRecord[]): void {
  const up = db.prepare(
    `INSERT INTO metrics (run_id, scope, fold, model, output, name, value) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, scope, ifnull(fold, -1), ifnull(model, ''), ifnull(output, ''), name) DO UPDATE SET value = excluded.value`,
  )
  for (const m of metrics) {
    if (!METRIC_SCOPES.includes(m.scope)) throw storeError(`unknown metric scope '${String(m.scope)}'; known: ${METRIC_SCOPES.join(', ')}`, m.scope)
    if (typeof m.value !== 'number') throw storeError(`metric ${m.name} must be a number, got ${typeof m.value}`, m.value)
    // SQLite has no NaN; NULL stands for "undefined" and reads back as NaN.
    up.run(runId, m.scope, m.fold ?? null, m.model ?? null, m.output ?? null, m.name, Number.isNaN(m.value) ? null : m.value)
  }
}

export function selectMetrics(db: Database.Database, runId: number, q: { scope?: MetricScope; model?: string; fold?: number }): MetricRecord[] {
  const where = ['run_id = @runId']
  if (q.scope !== undefined) where.push('scope = @scope')
  if (q.model !== undefined) where.push('model = @model')
  if (q.fold !== undefined) where.push('fold = @fold')
  const rows = db
    .prepare(`SELECT scope, fold, model, output, name, value FROM metrics WHERE ${where.join(' AND ')} ORDER BY scope, ifnull(fold, -1), ifnull(model, ''), ifnull(output, ''), name`)
    .all({ runId, ...q }) as (Omit<MetricRecord, 'value'> & { value: number | null })[]
  return rows.map((r) => ({ ...r, value: r.value ?? Number.NaN }))
}

// ---- artifacts ----

export function insertArtifact(db: Database.Database, runId: number, a: Omit<ArtifactRecord, 'id' | 'runId' | 'createdAt'>, now: number): ArtifactRecord {
  if (!/^[0-9a-f]{64}$/.test(a.sha256)) throw storeError(`artifact ${a.path}: sha256 must be 64 lowercase hex digits, got '${a.sha256}'`, a.sha256)
  if (!Number.isSafeInteger(a.bytes) || a.bytes < 0) throw storeError(`artifact ${a.path}: bytes must be an integer ≥ 0, got ${a.bytes}`, a.bytes)
  // Rewriting a file at the same path replaces its record (a re-export), keeping one row per path.
  db.prepare(
    `INSERT INTO artifacts (run_id, kind, path, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, path) DO UPDATE SET kind = excluded.kind, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at`,
  ).run(runId, a.kind, a.path, a.sha256, a.bytes, now)
  return selectArtifacts(db, runId).find((x) => x.path === a.path)!
}

export function selectArtifacts(db: Database.Database, runId: number): ArtifactRecord[] {
  const rows = db.prepare('SELECT id, run_id, kind, path, sha256, bytes, created_at FROM artifacts WHERE run_id = ? ORDER BY id').all(runId) as {
    id: number
    run_id: number
    kind: string
    path: string
    sha256: string
    bytes: number
    created_at: number
  }[]
  return rows.map((r) => ({ id: r.id, runId: r.run_id, kind: r.kind, path: r.path, sha256: r.sha256, bytes: r.bytes, createdAt: r.created_at }))
}
