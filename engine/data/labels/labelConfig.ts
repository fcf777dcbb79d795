import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import type { Instrument } from '../calendar/instruments.ts'
import { TIMEOUT_LABELS, type BarrierSpec } from './tripleBarrier.ts'

/**
 * The `labels:` block of the pipeline config (snake_case, as the YAML spells it). Every field is
 * optional in the input; validateLabelConfig fills defaults. cost_ticks defaults to the
 * instrument's default round-trip cost, so a config naming ES prices its labels like ES.
 */
export interface LabelConfig extends BarrierSpec {
  optimise: LabelOptimiseConfig
}

/** Search bounds [lo, hi] (inclusive) of the label-parameter optimiser. */
export interface LabelSearchBounds {
  k_up: [number, number]
  k_down: [number, number]
  horizon: [number, number]
}

export interface GaConfig {
  population: number
  generations: number
  /** per-gene probability of a Gaussian mutation */
  mutation_rate: number
  /** mutation σ as a fraction of the gene's bound width */
  mutation_scale: number
  /** probability that a child is a blend of two parents rather than a copy of one */
  crossover_rate: number
  tournament_size: number
  /** best individuals copied unchanged into the next generation */
  elitism: number
  seed: number
}

export interface LabelOptimiseConfig extends GaConfig {
  /** when true the pipeline replaces k_up, k_down and horizon by the optimiser's choice */
  enabled: boolean
  bounds: LabelSearchBounds
}

export const LABEL_DEFAULTS: Omit<LabelConfig, 'cost_ticks' | 'optimise'> = {
  k_up: 2,
  k_down: 2,
  horizon: 60,
  atr_period: 14,
  timeout_label: 'zero',
}

export const LABEL_OPTIMISE_DEFAULTS: LabelOptimiseConfig = {
  enabled: false,
  bounds: { k_up: [0.5, 4], k_down: [0.5, 4], horizon: [10, 240] },
  population: 24,
  generations: 12,
  mutation_rate: 0.2,
  mutation_scale: 0.1,
  crossover_rate: 0.8,
  tournament_size: 3,
  elitism: 2,
  seed: 0,
}

type Rule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'num'; gt?: number; min?: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' }

const K_RULE: Rule = { kind: 'num', gt: 0, max: 50 }
const H_RULE: Rule = { kind: 'int', min: 1, max: 100_000 }

const RULES: Record<Exclude<keyof LabelConfig, 'optimise'>, Rule> = {
  k_up: K_RULE,
  k_down: K_RULE,
  horizon: H_RULE,
  atr_period: { kind: 'int', min: 1, max: 10_000 },
  timeout_label: { kind: 'enum', values: TIMEOUT_LABELS },
  cost_ticks: { kind: 'num', min: 0, max: 1_000_000 },
}

const GA_RULES: Record<Exclude<keyof LabelOptimiseConfig, 'bounds'>, Rule> = {
  enabled: { kind: 'bool' },
  population: { kind: 'int', min: 4, max: 10_000 },
  generations: { kind: 'int', min: 1, max: 10_000 },
  mutation_rate: { kind: 'num', min: 0, max: 1 },
  mutation_scale: { kind: 'num', gt: 0, max: 1 },
  crossover_rate: { kind: 'num', min: 0, max: 1 },
  tournament_size: { kind: 'int', min: 1, max: 10_000 },
  elitism: { kind: 'int', min: 0, max: 10_000 },
  seed: { kind: 'int', min: 0, max: 4_294_967_295 },
}

const BOUND_RULES: Record<keyof LabelSearchBounds, Rule> = { k_up: K_RULE, k_down: K_RULE, horizon: H_RULE }

function describe(r: Rule): string {
  switch (r.kind) {
    case 'int': return `an integer in ${r.min}..${r.max}`
    case 'num': return r.gt !== undefined ? `a number with ${r.gt} < value ≤ ${r.max}` : `a number in ${r.min}..${r.max}`
    case 'enum': return `one of ${r.values.join(', ')}`
    case 'bool': return 'true or false'
  }
}

function validList(r: Rule): (string | number)[] {
  switch (r.kind) {
    case 'int': return [`${r.min}..${r.max}`]
    case 'num': return [r.gt !== undefined ? `(${r.gt}, ${r.max}]` : `[${r.min}, ${r.max}]`]
    case 'enum': return [...r.values]
    case 'bool': return ['true', 'false']
  }
}

function accepts(r: Rule, v: unknown): boolean {
  switch (r.kind) {
    case 'int': return typeof v === 'number' && Number.isInteger(v) && v >= r.min && v <= r.max
    case 'num': return typeof v === 'number' && Number.isFinite(v) && (r.gt !== undefined ? v > r.gt : v >= (r.min ?? -Infinity)) && v <= r.max
    case 'enum': return typeof v === 'string' && r.values.includes(v)
    case 'bool': return typeof v === 'boolean'
  }
}

function fail(path: string, value: unknown, msg: string, valid: (string | number)[]): never {
  throw new FactoryError('E_PARAM', `${path} ${msg}; got ${JSON.stringify(value)}`, { path, value, valid })
}

function check(rule: Rule, v: unknown, path: string): void {
  if (!accepts(rule, v)) fail(path, v, `must be ${describe(rule)}`, validList(rule))
}

function mapping(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(path, raw, 'must be a mapping of options', [])
  return raw as Record<string, unknown>
}

function unknownKey(path: string, key: string, known: string[]): never {
  throw new FactoryError('E_PARAM', `${path}.${key}: ${unknownNameMessage('label option', key, known)}`, { path: `${path}.${key}`, value: key, valid: known })
}

function validateOptimise(raw: unknown, path: string): LabelOptimiseConfig {
  const out: LabelOptimiseConfig = { ...LABEL_OPTIMISE_DEFAULTS, bounds: { ...LABEL_OPTIMISE_DEFAULTS.bounds } }
  if (raw === undefined || raw === null) return out
  const known = [...Object.keys(GA_RULES), 'bounds']
  for (const [key, value] of Object.entries(mapping(raw, path))) {
    if (value === undefined) continue
    if (key === 'bounds') {
      const bknown = Object.keys(BOUND_RULES)
      for (const [bk, bv] of Object.entries(mapping(value, `${path}.bounds`))) {
        const rule = (BOUND_RULES as Record<string, Rule>)[bk]
        const bp = `${path}.bounds.${bk}`
        if (!rule) unknownKey(`${path}.bounds`, bk, bknown)
        if (!Array.isArray(bv) || bv.length !== 2) fail(bp, bv, `must be a pair [lo, hi], each ${describe(rule)}`, validList(rule))
        check(rule, bv[0], `${bp}[0]`)
        check(rule, bv[1], `${bp}[1]`)
        if (bv[0] > bv[1]) fail(bp, bv, 'must have lo ≤ hi', validList(rule))
        out.bounds[bk as keyof LabelSearchBounds] = [bv[0], bv[1]]
      }
      continue
    }
    const rule = (GA_RULES as Record<string, Rule>)[key]
    if (!rule) unknownKey(path, key, known)
    check(rule, value, `${path}.${key}`)
    ;(out as unknown as Record<string, unknown>)[key] = value
  }
  if (out.tournament_size > out.population) fail(`${path}.tournament_size`, out.tournament_size, `must be ≤ population (${out.population})`, [`1..${out.population}`])
  if (out.elitism >= out.population) fail(`${path}.elitism`, out.elitism, `must be < population (${out.population})`, [`0..${out.population - 1}`])
  return out
}

/**
 * Validate a raw `labels` block and fill defaults. Errors are E_PARAM with details.path
 * `labels.<field>`, the bad value, and the valid range or choices. `instrument` supplies the
 * default cost_ticks; without it cost_ticks must be given (a silent zero cost would flatter
 * every label).
 */
export function validateLabelConfig(raw: unknown, path = 'labels', instrument?: Pick<Instrument, 'defaultCostTicks' | 'symbol'>): LabelConfig {
  const src = raw === undefined || raw === null ? {} : mapping(raw, path)
  const known = [...Object.keys(RULES), 'optimise']
  const out: Record<string, unknown> = { ...LABEL_DEFAULTS }
  for (const [key, value] of Object.entries(src)) {
    if (key === 'optimise') continue
    const rule = (RULES as Record<string, Rule>)[key]
    if (!rule) unknownKey(path, key, known)
    if (value === undefined) continue
    check(rule, value, `${path}.${key}`)
    out[key] = value
  }
  if (out.cost_ticks === undefined) {
    if (!instrument) {
      throw new FactoryError('E_PARAM', `${path}.cost_ticks is required when no instrument is given (round-trip cost in ticks, ${describe(RULES.cost_ticks)})`, {
        path: `${path}.cost_ticks`, value: undefined, valid: validList(RULES.cost_ticks),
      })
    }
    out.cost_ticks = instrument.defaultCostTicks
  }
  out.optimise = validateOptimise(src.optimise, `${path}.optimise`)
  return out as unknown as LabelConfig
}
