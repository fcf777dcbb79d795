import { configHash } from './configHash.ts'
import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { FactoryError } from '../contracts/errors.ts'
import type { SerializedError } from '../contracts/errors.ts'
import type { JsonObject } from '../contracts/component.ts'
import { RUN_STATUSES, TERMINAL_STATUSES } from '../contracts/runs.ts'
import type { ArtifactRecord, FoldRecord, MetricRecord, MetricScope, RunRecord, RunStatus } from '../contracts/runs.ts'
import { checkSchema, migrate } from './migrate.ts'
import { resolveDbPath } from './paths.ts'
import type { PathEnv } from './paths.ts'
import * as results from './results.ts'
import type { OofSeries, OofWrite } from './results.ts'

/**
 * The SQLite run store. Durability rules: WAL (readers never block the writer), synchronous=FULL
 * (a committed run survives power loss), foreign keys on, and every write in an IMMEDIATE
 * transaction (takes the write lock up front, so two writers queue on busy_timeout instead of
 * failing half-way with SQLITE_BUSY). A run whose process died is marked `interrupted` at the
 * next open, and the results of a run that is over are frozen.
 */

export interface OpenStoreOptions extends PathEnv {
  /** explicit database file (the CLI's --db); ':memory:' for a private in-memory store */
  path?: string
  /** open without writing: no migration, no interrupted-run recovery */
  readonly?: boolean
  /** how long a write waits for another process's write lock */
  busyTimeoutMs?: number
  now?: () => number
}

export interface CreateRunInput {
  name: string
  /** the YAML text; stored in run_configs and linked by hash */
  configYaml?: string
  seed?: number
  backend?: string
  device?: string
  dataFingerprint?: string
  /** default 'queued' */
  status?: 'queued' | 'running'
}

const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'failed', 'cancelled', 'interrupted'],
  running: ['finished', 'failed', 'cancelled', 'interrupted'],
  finished: [],
  failed: [],
  cancelled: [],
  interrupted: [],
}

interface RunRow {
  id: number
  name: string
  status: RunStatus
  created_at: number
  started_at: number | null
  finished_at: number | null
  config_hash: string | null
  seed: number | null
  backend: string | null
  device: string | null
  data_fingerprint: string | null
  error: string | null
  summary: string | null
  owner_pid: number | null
  owner_host: string | null
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    configHash: r.config_hash,
    seed: r.seed,
    backend: r.backend,
    device: r.device,
    dataFingerprint: r.data_fingerprint,
    error: r.error === null ? null : (JSON.parse(r.error) as SerializedError),
    summary: r.summary === null ? null : (JSON.parse(r.summary) as JsonObject),
  }
}

/** sha256 hex of the config text: the run_configs key. */
export { configHash }

/** Whether a process on this host is alive (EPERM = alive but not ours). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function openRunStore(opts: OpenStoreOptions = {}): RunStore {
  return new RunStore(opts)
}

export class RunStore {
  readonly path: string
  readonly db: Database.Database
  readonly readonly: boolean
  /** ids marked interrupted when this store was opened */
  readonly recovered: number[]
  private readonly now: () => number

  constructor(opts: OpenStoreOptions = {}) {
    this.path = resolveDbPath(opts.path, opts)
    this.readonly = opts.readonly ?? false
    this.now = opts.now ?? Date.now
    if (this.path !== ':memory:' && !this.readonly) mkdirSync(path.dirname(path.resolve(this.path)), { recursive: true })
    try {
      this.db = new Database(this.path, { readonly: this.readonly, fileMustExist: this.readonly, timeout: opts.busyTimeoutMs ?? 10_000 })
    } catch (e) {
      throw new FactoryError('E_STORE', `cannot open run store ${this.path}: ${(e as Error).message}`, { file: this.path })
    }
    try {
      if (!this.readonly) {
        this.db.pragma('journal_mode = WAL')
        this.db.pragma('synchronous = FULL')
      }
      this.db.pragma('foreign_keys = ON')
      if (this.readonly) {
        const v = checkSchema(this.db, this.path)
        if (v === 0) throw new FactoryError('E_STORE', `run store ${this.path} has no schema yet; open it once read-write first`, { file: this.path })
        this.recovered = []
      } else {
        migrate(this.db, this.path, undefined, this.now)
        this.recovered = this.recoverInterrupted()
      }
    } catch (e) {
      this.db.close()
      throw e
    }
  }

  close(): void {
    this.db.close()
  }

  /** Run `fn` in one IMMEDIATE transaction; the store's own writes nest inside it as savepoints. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  // ---- runs and configs ----

  /**
   * Mark queued/running runs whose owning process is gone as interrupted. A run owned by a live
   * process on this host is left alone; one owned by another host cannot be live (WAL needs
   * shared memory, so every writer of this file runs here) and is marked too.
   */
  private recoverInterrupted(): number[] {
    return this.transaction(() => {
      const host = hostname()
      const rows = this.db.prepare("SELECT id, owner_pid, owner_host FROM runs WHERE status IN ('queued', 'running')").all() as Pick<RunRow, 'id' | 'owner_pid' | 'owner_host'>[]
      const dead = rows.filter((r) => !(r.owner_host === host && r.owner_pid !== null && processAlive(r.owner_pid)))
      const mark = this.db.prepare("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ?")
      for (const r of dead) {
        const err: SerializedError = {
          code: 'E_INTERRUPTED',
          message: `run ${r.id} was interrupted: its process (pid ${r.owner_pid} on ${r.owner_host}) ended before the run finished`,
          details: { value: r.id },
        }
        mark.run(this.now(), JSON.stringify(err), r.id)
      }
      return dead.map((r) => r.id)
    })
  }

  saveConfig(yaml: string): string {
    const hash = configHash(yaml)
    this.transaction(() => {
      this.db.prepare('INSERT INTO run_configs (hash, yaml, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING').run(hash, yaml, this.now())
    })
    return hash
  }

  getConfig(hash: string): string | undefined {
    const r = this.db.prepare('SELECT yaml FROM run_configs WHERE hash = ?').get(hash) as { yaml: string } | undefined
    return r?.yaml
  }

  createRun(input: CreateRunInput): RunRecord {
    const status = input.status ?? 'queued'
    if (status !== 'queued' && status !== 'running')
      throw new FactoryError('E_STORE', `a new run starts as queued or running, not '${String(status)}'`, { value: status, valid: ['queued', 'running'] })
    if (input.seed !== undefined && !Number.isSafeInteger(input.seed))
      throw new FactoryError('E_STORE', `run seed must be an integer, got ${input.seed}`, { path: 'seed', value: input.seed })
    return this.transaction(() => {
      const hash = input.configYaml !== undefined ? this.saveConfig(input.configYaml) : null
      const t = this.now()
      const info = this.db
        .prepare(
          `INSERT INTO runs (name, status, created_at, started_at, config_hash, seed, backend, device, data_fingerprint, owner_pid, owner_host)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.name, status, t, status === 'running' ? t : null, hash, input.seed ?? null, input.backend ?? null, input.device ?? null, input.dataFingerprint ?? null, process.pid, hostname())
      return this.requireRun(Number(info.lastInsertRowid))
    })
  }

  /**
   * Move a run along queued → running → finished | failed | cancelled. A run that is over cannot
   * change again; `error` / `summary` are stored with the change.
   */
  setRunStatus(id: number, status: RunStatus, extra: { error?: SerializedError; summary?: JsonObject } = {}): RunRecord {
    if (!RUN_STATUSES.includes(status))
      throw new FactoryError('E_STORE', `unknown run status '${String(status)}'; known: ${RUN_STATUSES.join(', ')}`, { value: status, valid: [...RUN_STATUSES] })
    return this.transaction(() => {
      const run = this.requireRun(id)
      if (!TRANSITIONS[run.status].includes(status))
        throw new FactoryError('E_STORE', `run ${id} is ${run.status} and cannot become ${status}${TRANSITIONS[run.status].length ? `; next: ${TRANSITIONS[run.status].join(', ')}` : ' (it is over)'}`, {
          value: status,
          valid: [...TRANSITIONS[run.status]],
        })
      const t = this.now()
      const terminal = TERMINAL_STATUSES.includes(status)
      this.db
        .prepare(
          `UPDATE runs SET status = ?, started_at = coalesce(started_at, ?), finished_at = ?,
             error = coalesce(?, error), summary = coalesce(?, summary) WHERE id = ?`,
        )
        .run(status, status === 'running' ? t : null, terminal ? t : null, extra.error ? JSON.stringify(extra.error) : null, extra.summary ? JSON.stringify(extra.summary) : null, id)
      return this.requireRun(id)
    })
  }

  getRun(id: number): RunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined
    return r && toRecord(r)
  }

  /** Newest first. */
  listRuns(q: { status?: RunStatus; limit?: number; offset?: number } = {}): RunRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM runs ${q.status ? 'WHERE status = @status' : ''} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...(q.status ? { status: q.status } : {}), limit: q.limit ?? -1, offset: q.offset ?? 0 }) as RunRow[]
    return rows.map(toRecord)
  }

  private requireRun(id: number): RunRecord {
    const run = this.getRun(id)
    if (!run) {
      const latest = this.db.prepare('SELECT max(id) AS m FROM runs').get() as { m: number | null }
      throw new FactoryError('E_STORE', `run ${id} does not exist${latest.m !== null ? ` (latest run is ${latest.m})` : ' (the store has no runs)'}`, { value: id })
    }
    return run
  }

  /** Results of a run that is over are frozen, so nothing half-written sits under a finished run. */
  private requireOpenRun(id: number, what: string): void {
    const run = this.requireRun(id)
    if (TERMINAL_STATUSES.includes(run.status))
      throw new FactoryError('E_STORE', `cannot save ${what} for run ${id}: it is ${run.status} and its results are frozen`, { value: id })
  }

  // ---- results ----

  saveFolds(runId: number, folds: readonly FoldRecord[]): void {
    this.transaction(() => {
      this.requireOpenRun(runId, 'folds')
      results.insertFolds(this.db, runId, folds)
    })
  }

  listFolds(runId: number): FoldRecord[] {
    return results.selectFolds(this.db, runId)
  }

  /** One node's predictions of one output on one fold; see results.ts for the layout. */
  saveOof(runId: number, w: OofWrite): void {
    this.transaction(() => {
      this.requireOpenRun(runId, 'predictions')
      results.insertOof(this.db, runId, w)
    })
  }

  /** Predictions of (model, output) over the folds of `role` (default 'cv'), in bar order. */
  readOof(runId: number, model: string, output: string, q: { role?: 'cv' | 'final'; fold?: number } = {}): OofSeries {
    return results.selectOof(this.db, runId, model, output, q)
  }

  saveMetrics(runId: number, metrics: readonly MetricRecord[]): void {
    this.transaction(() => {
      this.requireOpenRun(runId, 'metrics')
      results.upsertMetrics(this.db, runId, metrics)
    })
  }

  listMetrics(runId: number, q: { scope?: MetricScope; model?: string; fold?: number } = {}): MetricRecord[] {
    return results.selectMetrics(this.db, runId, q)
  }

  /** Artifacts may be added after a run is over (e.g. a bundle exported later). */
  addArtifact(runId: number, a: Omit<ArtifactRecord, 'id' | 'runId' | 'createdAt'>): ArtifactRecord {
    return this.transaction(() => {
      this.requireRun(runId)
      return results.insertArtifact(this.db, runId, a, this.now())
    })
  }

  listArtifacts(runId: number): ArtifactRecord[] {
    return results.selectArtifacts(this.db, runId)
  }

  /** `PRAGMA integrity_check`: 'ok' or the first problems SQLite reports. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  }
}
