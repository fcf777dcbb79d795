// `factory`: the engine's command line. Verbs live in engine/cli/*.ts, one per file, and are listed
// in engine/cli/commands.ts. Every verb takes --json (one JSON document on stdout) and --help.
// Exit codes: 0 ok, 1 the input or the data was refused, 2 usage error, 130 cancelled.
import { FactoryError } from './contracts/errors.ts'
import { COMMANDS } from './cli/commands.ts'
import { parseCommandArgs, type Command, type CommandContext } from './cli/command.ts'

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | null {
  let best: Command | null = null
  for (const c of COMMANDS) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c
  }
  return best ? { cmd: best, rest: argv.slice(best.path.length) } : null
}

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.path.join(' ').length))
  return [
    'factory — ML Factory Workbench command line',
    '',
    'usage: factory <command> [options] [--json]',
    '',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(w)}  ${c.summary}`),
    '',
    'Run `factory <command> --help` for a command\'s options.',
  ].join('\n')
}

export async function main(argv: string[], io: { out: (s: string) => void; err: (s: string) => void } = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') }): Promise<number> {
  const json = argv.includes('--json')
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText())
    return 0
  }
  const found = findCommand(argv)
  const ac = new AbortController()
  const onSigint = () => ac.abort()
  process.once('SIGINT', onSigint)
  try {
    if (!found) {
      const known = [...new Set(COMMANDS.map((c) => c.path.join(' ')))]
      throw new FactoryError('E_USAGE', `unknown command '${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}'; known: ${known.join(', ')}`, { valid: known })
    }
    const { cmd, rest } = found
    const { values, positionals } = parseCommandArgs(cmd, rest)
    if (values.help) {
      io.out(`usage: ${cmd.usage}\n\n${cmd.summary}`)
      return 0
    }
    let lastProgress = 0
    const ctx: CommandContext = {
      values,
      positionals,
      json,
      say: (line) => {
        if (!json) io.out(line)
      },
      progress: (stage, fraction) => {
        const now = Date.now()
        if (json || !process.stderr.isTTY || now - lastProgress < 200) return
        lastProgress = now
        process.stderr.write(`\r${stage} ${(fraction * 100).toFixed(0)}%   ${fraction >= 1 ? '\n' : ''}`)
      },
      signal: ac.signal,
    }
    const result = await cmd.run(ctx)
    if (json) io.out(JSON.stringify(result, jsonReplacer))
    return 0
  } catch (e) {
    const fe = e instanceof FactoryError ? e : null
    if (json) io.out(JSON.stringify({ error: fe ? fe.toJSON() : { code: 'E_INTERNAL', message: String((e as Error)?.stack ?? e), details: {} } }, jsonReplacer))
    else io.err(fe ? `error [${fe.code}]: ${fe.message}` : `internal error: ${(e as Error)?.stack ?? e}`)
    if (!fe) return 70
    return fe.code === 'E_USAGE' ? 2 : fe.code === 'E_CANCELLED' ? 130 : 1
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}

/** Typed arrays print as plain arrays; non-finite numbers as null. */
function jsonReplacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>)
  if (typeof v === 'number' && !Number.isFinite(v)) return null
  return v
}
