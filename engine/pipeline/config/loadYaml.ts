import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { LineCounter, parseDocument, stringify } from 'yaml'
import { FactoryError } from '../../contracts/errors.ts'
import { configHash } from '../../store/configHash.ts'
import type { SpecCatalog } from './catalog.ts'
import { isRecord } from './fields.ts'
import { formatPath } from './issues.ts'
import type { ConfigIssue, PipelineConfig } from './types.ts'
import { checkPipeline, configError, type CheckOptions, type LocatedIssue } from './validate.ts'
import { linePos, offsetOfPath, pathAtOffset } from './yamlLocate.ts'

/**
 * YAML text → a validated PipelineConfig, or one FactoryError E_CONFIG whose every issue (syntax,
 * schema, params, compatibility) carries file, line, column and config path. All issues are
 * collected, sorted by their place in the file; the message shows the first few.
 */

/** sha256 of the config text: the same key the run store files run_configs under. */
export { configHash }

export interface ParsedPipeline {
  config: PipelineConfig
  /** the YAML exactly as given (what the store keeps) */
  text: string
  hash: string
  file: string
}

export interface ParseOptions {
  catalog?: SpecCatalog
  /** replaces data.file before validation (the CLI's --data); the text and its hash stay as written */
  dataFile?: string
  extraChecks?: CheckOptions['extraChecks']
}

const HINTS: Record<string, string> = {
  TAB_AS_INDENT: ' (indent with spaces)',
  DUPLICATE_KEY: ' (a key may appear once per mapping)',
}

function stem(file: string): string {
  const base = path.basename(file).replace(/\.(ya?ml)$/i, '')
  return /^[A-Za-z0-9_.-]+$/.test(base) && base ? base : 'pipeline'
}

export function parsePipelineYaml(text: string, file = 'pipeline.yaml', opts: ParseOptions = {}): ParsedPipeline {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  const place = (offset: number, p: (string | number)[], message: string, i: Partial<ConfigIssue> = {}): LocatedIssue => ({
    file,
    ...linePos(lc, offset),
    path: formatPath(p),
    message,
    ...(i.value !== undefined ? { value: i.value } : {}),
    ...(i.valid ? { valid: i.valid } : {}),
    stage: i.stage ?? 'yaml',
    code: i.stage === 'compatibility' ? 'E_INCOMPATIBLE' : 'E_CONFIG',
  })

  if (doc.errors.length) {
    // One error per line: the parser's follow-on complaints about the same broken line add nothing.
    const issues = doc.errors.map((e) => place(e.pos[0], pathAtOffset(doc, e.pos[0]), `YAML syntax: ${e.message}${HINTS[e.code] ?? ''}`))
    throw configError(issues.filter((x, k) => issues.findIndex((y) => y.line === x.line) === k))
  }
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 1000 })
  } catch (e) {
    throw configError([place(0, [], `YAML could not be read: ${(e as Error).message}`)])
  }
  if (raw === null || raw === undefined) throw configError([place(0, [], 'the config is empty; a pipeline needs at least data and base_models')])
  if (opts.dataFile !== undefined && isRecord(raw) && isRecord(raw.data)) raw.data.file = opts.dataFile

  const r = checkPipeline(raw, { defaultName: stem(file), ...(opts.catalog ? { catalog: opts.catalog } : {}), ...(opts.extraChecks ? { extraChecks: opts.extraChecks } : {}) })
  if (r.issues.length) {
    const located = r.issues.map((i) => ({ i, at: offsetOfPath(doc, i.path, i.atKey) }))
    located.sort((a, b) => a.at - b.at)
    const seen = new Set<string>()
    const out: LocatedIssue[] = []
    for (const { i, at } of located) {
      const key = `${formatPath(i.path)}\u0000${i.message}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(place(at, i.path, i.message, i))
    }
    throw configError(out)
  }
  return { config: r.config!, text, hash: configHash(text), file }
}

export interface LoadOptions extends ParseOptions {
  /** base of a relative config path and of a relative data.file; default process.cwd() */
  cwd?: string
  /** check that data.file exists (default true) */
  checkDataFile?: boolean
}

/**
 * Read and validate a config file. A relative `data.file` is resolved against the working
 * directory (not the config's folder), as `factory train` is run from the project root and the
 * presets name `data/samples/…`; the returned config holds the absolute path.
 */
export function loadPipelineFile(file: string, opts: LoadOptions = {}): ParsedPipeline & { path: string } {
  const cwd = opts.cwd ?? process.cwd()
  const abs = path.resolve(cwd, file)
  let text: string
  try {
    text = readFileSync(abs, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new FactoryError('E_FILE_NOT_FOUND', `config file not found: ${file} (looked for ${abs})`, { file: abs, value: file })
    throw new FactoryError('E_IO', `cannot read config file ${abs}: ${(e as Error).message}`, { file: abs })
  }
  const dataCheck = (c: PipelineConfig): ConfigIssue[] => {
    if (opts.checkDataFile === false) return []
    const resolved = path.resolve(cwd, c.data.file)
    if (existsSync(resolved)) return []
    const from = opts.dataFile !== undefined ? ' (given as the data file override)' : ''
    return [{ path: ['data', 'file'], value: c.data.file, stage: 'schema', message: `data file not found: ${resolved}${from}; a relative data.file is resolved against the working directory ${cwd}` }]
  }
  const extraChecks = (c: PipelineConfig) => [...dataCheck(c), ...(opts.extraChecks?.(c) ?? [])]
  const parsed = parsePipelineYaml(text, file, { ...opts, extraChecks })
  parsed.config.data = { ...parsed.config.data, file: path.resolve(cwd, parsed.config.data.file) }
  return { ...parsed, path: abs }
}

/** A config as YAML, in the schema's key order; parsing it gives the same config back. */
export function configToYaml(config: PipelineConfig): string {
  return stringify(config, { lineWidth: 0 })
}
