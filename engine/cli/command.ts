import { parseArgs, type ParseArgsConfig } from 'node:util'
import { FactoryError } from '../contracts/errors.ts'

/** One CLI verb: its option table, help text and handler. Every verb accepts --json. */
export interface Command {
  /** words after `factory`, e.g. ['data', 'inspect'] */
  path: string[]
  summary: string
  usage: string
  options: NonNullable<ParseArgsConfig['options']>
  /** number of positional arguments: [min, max] */
  positionals?: [number, number]
  run(ctx: CommandContext): Promise<unknown>
}

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  json: boolean
  /** human-readable output (suppressed with --json) */
  say(line: string): void
  /** progress for long stages; printed to stderr in human mode only */
  progress(stage: string, fraction: number): void
  signal: AbortSignal
}

export const COMMON_OPTIONS = {
  json: { type: 'boolean' as const, default: false },
  help: { type: 'boolean' as const, short: 'h', default: false },
}

export function parseCommandArgs(cmd: Command, argv: string[]): { values: CommandContext['values']; positionals: string[] } {
  const options = { ...COMMON_OPTIONS, ...cmd.options }
  // parseArgs refuses `--k-up -1` as ambiguous; a negative number after a value option is its value.
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : ''
    const opt = (options as Record<string, { type: string }>)[name]
    if (opt?.type === 'string' && i + 1 < argv.length && /^-\d|^-\.\d/.test(argv[i + 1])) {
      args.push(`${argv[i]}=${argv[i + 1]}`)
      i++
    } else args.push(argv[i])
  }
  let parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (e) {
    const known = Object.keys(options).map((k) => `--${k}`)
    throw new FactoryError('E_USAGE', `${(e as Error).message.split('\n')[0]}\nusage: ${cmd.usage}\noptions: ${known.join(', ')}`, { valid: known })
  }
  const [min, max] = cmd.positionals ?? [0, 0]
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new FactoryError('E_USAGE', `factory ${cmd.path.join(' ')}: expected ${min === max ? min : `${min}–${max}`} argument(s), got ${parsed.positionals.length}\nusage: ${cmd.usage}`)
  }
  return { values: parsed.values as CommandContext['values'], positionals: parsed.positionals }
}

/** Read a numeric option with a located error. */
export function numberOption(values: CommandContext['values'], name: string, dflt?: number, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const raw = values[name]
  if (raw === undefined) {
    if (dflt === undefined) throw new FactoryError('E_USAGE', `missing required option --${name}`, { path: `--${name}` })
    return dflt
  }
  const v = Number(raw)
  const bad =
    typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)
  if (bad) {
    const range = [opts.integer ? 'a whole number' : 'a number', opts.min !== undefined ? `≥ ${opts.min}` : '', opts.max !== undefined ? `≤ ${opts.max}` : ''].filter(Boolean).join(' ')
    throw new FactoryError('E_USAGE', `--${name} must be ${range}; got '${String(raw)}'`, { path: `--${name}`, value: raw })
  }
  return v
}

export function stringOption(values: CommandContext['values'], name: string, dflt?: string): string {
  const raw = values[name]
  if (raw === undefined) {
    if (dflt === undefined) throw new FactoryError('E_USAGE', `missing required option --${name}`, { path: `--${name}` })
    return dflt
  }
  return String(raw)
}

export function choiceOption<T extends string>(values: CommandContext['values'], name: string, choices: readonly T[], dflt: T): T {
  const raw = values[name] === undefined ? dflt : String(values[name])
  if (!choices.includes(raw as T)) {
    throw new FactoryError('E_USAGE', `--${name} '${raw}' is not one of: ${choices.join(', ')}`, { path: `--${name}`, value: raw, valid: choices })
  }
  return raw as T
}
