import { FactoryError } from '../contracts/errors.ts'
import type { IngestOptions } from '../data/ingest/types.ts'
import { BAR_FIELDS, type BarField } from '../data/ingest/types.ts'
import type { ValidationConfig } from '../data/validate/policy.ts'
import { CHECK_NAMES, POLICIES, type CheckName, type Policy } from '../data/validate/findings.ts'
import type { CommandContext } from './command.ts'

/** Options shared by every verb that reads an OHLCV file. */
export const DATA_FILE_OPTIONS = {
  instrument: { type: 'string' as const },
  'bar-size': { type: 'string' as const },
  timezone: { type: 'string' as const },
  'timestamp-is': { type: 'string' as const },
  columns: { type: 'string' as const },
  delimiter: { type: 'string' as const },
  policy: { type: 'string' as const, multiple: true as const },
  'default-policy': { type: 'string' as const },
}

export const DATA_FILE_USAGE =
  '[--instrument SYM] [--bar-size 1m] [--timezone IANA] [--timestamp-is open|close] [--columns timestamp=Date,close=Last,...] [--delimiter ,] [--default-policy raise|warn|drop] [--policy CHECK=raise|warn|drop ...]'

export function ingestOptionsFrom(v: CommandContext['values']): IngestOptions {
  const o: IngestOptions = {}
  if (v.timezone !== undefined) o.timezone = String(v.timezone)
  if (v['bar-size'] !== undefined) o.bar_size = String(v['bar-size'])
  if (v.delimiter !== undefined) o.delimiter = String(v.delimiter)
  if (v['timestamp-is'] !== undefined) {
    const t = String(v['timestamp-is'])
    if (t !== 'open' && t !== 'close') throw new FactoryError('E_USAGE', `--timestamp-is '${t}' is not one of: open, close`, { path: '--timestamp-is', value: t, valid: ['open', 'close'] })
    o.timestamp_is = t
  }
  if (v.columns !== undefined) {
    const cols: Partial<Record<BarField, string | number>> = {}
    for (const pair of String(v.columns).split(',')) {
      const [k, name] = pair.split('=')
      if (!name || !(BAR_FIELDS as readonly string[]).includes(k)) {
        throw new FactoryError('E_USAGE', `--columns entry '${pair}' must be FIELD=COLUMN with FIELD one of: ${BAR_FIELDS.join(', ')}`, { path: '--columns', value: pair, valid: BAR_FIELDS })
      }
      cols[k as BarField] = /^\d+$/.test(name) ? Number(name) : name
    }
    o.columns = cols
  }
  return o
}

export function validationConfigFrom(v: CommandContext['values'], dflt: Policy): ValidationConfig {
  const def = v['default-policy'] === undefined ? dflt : String(v['default-policy'])
  if (!(POLICIES as readonly string[]).includes(def)) throw new FactoryError('E_USAGE', `--default-policy '${def}' is not one of: ${POLICIES.join(', ')}`, { path: '--default-policy', value: def, valid: POLICIES })
  const checks: Partial<Record<CheckName, Policy>> = {}
  for (const p of (v.policy as string[] | undefined) ?? []) {
    const [check, pol] = p.split('=')
    if (!(CHECK_NAMES as readonly string[]).includes(check)) throw new FactoryError('E_USAGE', `--policy '${p}': unknown check '${check}'; known: ${CHECK_NAMES.join(', ')}`, { path: '--policy', value: p, valid: CHECK_NAMES })
    if (!(POLICIES as readonly string[]).includes(pol)) throw new FactoryError('E_USAGE', `--policy '${p}': policy must be one of: ${POLICIES.join(', ')}`, { path: '--policy', value: p, valid: POLICIES })
    checks[check as CheckName] = pol as Policy
  }
  return { default: def as Policy, checks }
}
