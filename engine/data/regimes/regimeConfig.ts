import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import type { CovarianceType } from './hmmEmissions.ts'

/**
 * The `regime:` block of the pipeline config (snake_case, as the YAML spells it).
 * Every field is optional in the input; validateRegimeConfig fills defaults.
 */
export interface RegimeConfig {
  /** hidden states, 2..6 */
  n_states: number
  covariance: CovarianceType
  /** bars in the realised-volatility window */
  window: number
  /** EM iterations per restart */
  max_iter: number
  /** stop when an EM iteration gains less than this log-likelihood per training row */
  tol: number
  /** k-means++ restarts; the one with the best log-likelihood after n_init_iter EM iterations is run to convergence */
  n_init: number
  seed: number
  /** relative variance floor: state variance of feature j ≥ var_floor · (training variance of j) */
  var_floor: number
  /** EM iterations each k-means++ restart runs before only the best one continues to convergence */
  n_init_iter: number
  /**
   * Fit on at most this many rows: the MOST RECENT contiguous rows of the training range (never
   * beyond its end), so the Markov chain stays intact. A speed/recency trade-off: EM costs
   * ~linear time in rows, and ~140 days of 1-minute bars pin down three volatility regimes well;
   * older rows are dropped from the fit, not from the filter. Raise it to fit on everything.
   */
  max_fit_rows: number
  /** refit on an expanding window instead of fitting once on the training range */
  expanding: boolean
  /** bars between refits in expanding mode */
  refit_every: number
}

export const REGIME_DEFAULTS: RegimeConfig = {
  n_states: 3,
  covariance: 'diag',
  window: 30,
  max_iter: 100,
  tol: 1e-6,
  n_init: 3,
  seed: 0,
  var_floor: 1e-3,
  n_init_iter: 5,
  max_fit_rows: 200_000,
  expanding: false,
  refit_every: 10_080, // one week of 1-minute bars
}

type Rule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'num'; gt: number; lt: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' }

const RULES: Record<keyof RegimeConfig, Rule> = {
  n_states: { kind: 'int', min: 2, max: 6 },
  covariance: { kind: 'enum', values: ['diag', 'full'] },
  window: { kind: 'int', min: 2, max: 100_000 },
  max_iter: { kind: 'int', min: 1, max: 10_000 },
  tol: { kind: 'num', gt: 0, lt: 1 },
  n_init: { kind: 'int', min: 1, max: 50 },
  seed: { kind: 'int', min: 0, max: 4_294_967_295 },
  var_floor: { kind: 'num', gt: 0, lt: 1 },
  n_init_iter: { kind: 'int', min: 1, max: 10_000 },
  max_fit_rows: { kind: 'int', min: 1_000, max: 1_000_000_000 },
  expanding: { kind: 'bool' },
  refit_every: { kind: 'int', min: 100, max: 100_000_000 },
}

function describe(rule: Rule): string {
  switch (rule.kind) {
    case 'int': return `an integer in ${rule.min}..${rule.max}`
    case 'num': return `a number with ${rule.gt} < value < ${rule.lt}`
    case 'enum': return `one of ${rule.values.join(', ')}`
    case 'bool': return 'true or false'
  }
}

function validList(rule: Rule): (string | number)[] {
  switch (rule.kind) {
    case 'int': return rule.max - rule.min <= 10 ? Array.from({ length: rule.max - rule.min + 1 }, (_, i) => rule.min + i) : [`${rule.min}..${rule.max}`]
    case 'num': return [`(${rule.gt}, ${rule.lt})`]
    case 'enum': return [...rule.values]
    case 'bool': return ['true', 'false']
  }
}

function accepts(rule: Rule, v: unknown): boolean {
  switch (rule.kind) {
    case 'int': return typeof v === 'number' && Number.isInteger(v) && v >= rule.min && v <= rule.max
    case 'num': return typeof v === 'number' && Number.isFinite(v) && v > rule.gt && v < rule.lt
    case 'enum': return typeof v === 'string' && rule.values.includes(v)
    case 'bool': return typeof v === 'boolean'
  }
}

/**
 * Validate a raw `regime` block and fill defaults. Errors are E_PARAM with details.path
 * `regime.<field>`, the bad value, and the valid range or choices.
 */
export function validateRegimeConfig(raw: unknown, path = 'regime'): RegimeConfig {
  if (raw === undefined || raw === null) return { ...REGIME_DEFAULTS }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FactoryError('E_PARAM', `${path} must be a mapping of options; got ${JSON.stringify(raw)}`, { path, value: raw })
  }
  const known = Object.keys(RULES)
  const out: Record<string, unknown> = { ...REGIME_DEFAULTS }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const rule = (RULES as Record<string, Rule>)[key]
    if (!rule) {
      throw new FactoryError('E_PARAM', `${path}.${key}: ${unknownNameMessage('regime option', key, known)}`, { path: `${path}.${key}`, value: key, valid: known })
    }
    if (value === undefined) continue
    if (!accepts(rule, value)) {
      throw new FactoryError('E_PARAM', `${path}.${key} must be ${describe(rule)}; got ${JSON.stringify(value)}`, {
        path: `${path}.${key}`, value, valid: validList(rule),
      })
    }
    out[key] = value
  }
  return out as unknown as RegimeConfig
}
