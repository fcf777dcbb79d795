import { FactoryError } from '../../contracts/errors.ts'
import type { IngestOptions } from '../ingest/types.ts'
import type { ValidationConfig } from '../validate/policy.ts'
import type { CustomInstrumentConfig } from '../calendar/instruments.ts'
import type { FeaturesConfig } from '../features/featureSets.ts'
import type { WalkForwardMode } from '../splits/spec.ts'

/**
 * The data half of a pipeline config, as the YAML spells it. Each block is validated by the module
 * that owns it (ingest, validate, features, regimes, labels, splits), which names the config path
 * of a bad value; this file only checks the top-level shape.
 */
export interface DataStageConfig {
  data: DataBlock
  /** default 'standard' */
  features?: FeaturesConfig
  /** regime block (see regimes/regimeConfig.ts); `false` skips the HMM */
  regime?: Record<string, unknown> | false
  /** labels block (see labels/labelConfig.ts) */
  labels?: Record<string, unknown>
  splits?: SplitsBlock
}

export interface DataBlock extends Omit<IngestOptions, 'path'> {
  file: string
  instrument: string
  /** resample the source bars to this size before features ('5m', '1h', …) */
  resample_to?: string
  validation?: ValidationConfig
  custom_instrument?: CustomInstrumentConfig
}

export interface SplitsBlock {
  /** 'walk_forward' (default) or 'cpcv' */
  method?: 'walk_forward' | 'cpcv'
  folds?: number
  mode?: WalkForwardMode
  purge?: number
  embargo?: number
  test_fraction?: number
  test_bars?: number
  train_bars?: number
  min_train?: number
  /** CPCV */
  groups?: number
  test_groups?: number
}

const TOP_KEYS = ['data', 'features', 'regime', 'labels', 'splits'] as const

function mapping(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new FactoryError('E_CONFIG', `${path} must be a mapping; got ${JSON.stringify(v)}`, { path, value: v })
  }
  return v as Record<string, unknown>
}

/** Check the top-level shape; `extraKeys` are keys owned by later stages (models, ensemble, …). */
export function checkDataStageConfig(raw: unknown, extraKeys: readonly string[] = []): DataStageConfig {
  const c = mapping(raw, 'config')
  const known = [...TOP_KEYS, ...extraKeys]
  for (const k of Object.keys(c)) {
    if (!known.includes(k)) throw new FactoryError('E_CONFIG', `unknown key '${k}' at ${k}; known: ${known.join(', ')}`, { path: k, value: k, valid: known })
  }
  const data = mapping(c.data, 'data')
  for (const k of ['file', 'instrument'] as const) {
    if (typeof data[k] !== 'string' || data[k] === '') {
      throw new FactoryError('E_CONFIG', `data.${k} is required (a string); got ${JSON.stringify(data[k])}`, { path: `data.${k}`, value: data[k] })
    }
  }
  if (c.splits !== undefined) {
    const s = mapping(c.splits, 'splits')
    const methods = ['walk_forward', 'cpcv']
    if (s.method !== undefined && !methods.includes(String(s.method))) {
      throw new FactoryError('E_CONFIG', `unknown splits method '${String(s.method)}' at splits.method; known: ${methods.join(', ')}`, { path: 'splits.method', value: s.method, valid: methods })
    }
  }
  if (c.regime !== undefined && c.regime !== false) mapping(c.regime, 'regime')
  if (c.labels !== undefined) mapping(c.labels, 'labels')
  return c as unknown as DataStageConfig
}
