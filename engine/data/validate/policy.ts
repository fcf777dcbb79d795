import { FactoryError } from '../../contracts/errors.ts'
import { CHECK_NAMES, POLICIES, type CheckName, type Policy } from './findings.ts'

/** `validation:` block of the config. Every check defaults to `default`, which defaults to raise. */
export interface ValidationConfig {
  default?: Policy
  checks?: Partial<Record<CheckName, Policy>>
}

export type CheckPolicies = Record<CheckName, Policy>

/**
 * Gaps have no rows of their own — the bars are missing — so there is nothing to drop; filling them
 * would be silent repair, which belongs to resample, not validation. Only raise or warn.
 */
const ALLOWED: Partial<Record<CheckName, readonly Policy[]>> = { gaps: ['raise', 'warn'] }

function badPolicy(path: string, value: unknown, valid: readonly string[], why = ''): FactoryError {
  return new FactoryError('E_CONFIG', `invalid policy ${JSON.stringify(value)} at ${path}${why}; valid: ${valid.join(', ')}`, { path, value, valid })
}

export function resolvePolicies(cfg: ValidationConfig | undefined, path = 'validation'): CheckPolicies {
  const c = cfg ?? {}
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new FactoryError('E_CONFIG', `${path} must be a mapping with 'default' and/or 'checks'; got ${JSON.stringify(c)}`, { path, value: c })
  }
  for (const k of Object.keys(c)) {
    if (k !== 'default' && k !== 'checks') {
      throw new FactoryError('E_CONFIG', `unknown key '${k}' at ${path}.${k}; known: default, checks`, { path: `${path}.${k}`, value: k, valid: ['default', 'checks'] })
    }
  }
  const def = c.default ?? 'raise'
  if (!(POLICIES as readonly unknown[]).includes(def)) throw badPolicy(`${path}.default`, def, POLICIES)
  const out = {} as CheckPolicies
  for (const name of CHECK_NAMES) {
    const allowed = ALLOWED[name] ?? POLICIES
    // a default of drop cannot apply to gaps; they fall back to raise rather than failing the whole config
    out[name] = allowed.includes(def) ? def : 'raise'
  }
  const checks = c.checks ?? {}
  if (typeof checks !== 'object' || checks === null || Array.isArray(checks)) {
    throw new FactoryError('E_CONFIG', `${path}.checks must be a mapping of check name to policy; got ${JSON.stringify(checks)}`, { path: `${path}.checks`, value: checks })
  }
  for (const [name, pol] of Object.entries(checks)) {
    const p = `${path}.checks.${name}`
    if (!(CHECK_NAMES as readonly string[]).includes(name)) {
      throw new FactoryError('E_CONFIG', `unknown check '${name}' at ${p}; known: ${CHECK_NAMES.join(', ')}`, { path: p, value: name, valid: CHECK_NAMES })
    }
    const allowed = ALLOWED[name as CheckName] ?? POLICIES
    if (!(allowed as readonly unknown[]).includes(pol)) {
      const why = pol === 'drop' && name === 'gaps' ? ' (a gap has no rows to drop: missing bars are reported, never invented)' : ''
      throw badPolicy(p, pol, allowed, why)
    }
    out[name as CheckName] = pol as Policy
  }
  return out
}
