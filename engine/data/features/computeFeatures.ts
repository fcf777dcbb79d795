import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { assertTimeZone } from '../calendar/timezone.ts'
import { getFeature } from './featureDefs.ts'
import type { FeatureContext } from './featureDefs.ts'
import { resolveFeatures } from './featureSets.ts'
import type { ResolvedFeature } from './featureSets.ts'

export interface FeatureMatrixColumns {
  /** column names, unique, in config order */
  names: string[]
  /** one Float64Array of length bars.length per name */
  columns: Float64Array[]
  /** the largest warm-up over all features: rows before it have at least one NaN column */
  warmup: number
  /** what was computed, with every parameter filled in (for run records and bundles) */
  features: ResolvedFeature[]
}

export interface ComputeFeaturesOptions {
  /** exchange time zone (IANA) for calendar features; default 'UTC' */
  timeZone?: string
  /** config path of the features block, for messages; default 'features' */
  path?: string
  /** extra context handed to plug-in features (e.g. bar size for multi-timeframe features) */
  context?: Readonly<Record<string, unknown>>
}

/** Resolve a `features:` config and compute every column over `bars`. */
export function computeFeatures(bars: Bars, config: unknown, opts: ComputeFeaturesOptions = {}): FeatureMatrixColumns {
  const timeZone = opts.timeZone ?? 'UTC'
  assertTimeZone(timeZone, 'timeZone')
  const features = resolveFeatures(config, opts.path ?? 'features')
  const ctx: FeatureContext = { ...opts.context, timeZone }
  const names: string[] = []
  const columns: Float64Array[] = []
  let warmup = 0
  for (const f of features) {
    const cols = getFeature(f.name, f.path).compute(bars, f.params, ctx)
    if (cols.length !== f.columns.length || cols.some((c) => !(c instanceof Float64Array) || c.length !== bars.length)) {
      throw new FactoryError('E_SHAPE', `feature '${f.name}' returned ${cols.length} column(s) for ${f.columns.length} name(s) (${f.columns.join(', ')}); each must be a Float64Array of ${bars.length} rows`, {
        path: f.path,
        value: f.name,
      })
    }
    names.push(...f.columns)
    columns.push(...cols)
    if (f.warmup > warmup) warmup = f.warmup
  }
  return { names, columns, warmup, features }
}
