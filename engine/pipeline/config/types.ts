import type { DataBlock, SplitsBlock } from '../../data/stage/stageConfig.ts'
import type { FeaturesConfig } from '../../data/features/featureSets.ts'

/**
 * The parsed, defaults-filled pipeline config: the shape agreed in /work/notes/pipeline-config.md.
 * The data half (data, features, regime, labels, splits) is kept as the user wrote it, because the
 * data stage (engine/data/stage/dataStage.ts) owns its defaults and re-validates it; the component
 * half has its names checked against the registries and every `params` filled from the spec.
 */
export type { DataBlock, SplitsBlock, FeaturesConfig }

export const DEVICES = ['auto', 'gpu', 'cpu'] as const
export type Device = (typeof DEVICES)[number]

export interface PipelineConfig {
  /** default: the config file's name stem, or 'pipeline' */
  name: string
  /** default 0; every stochastic part derives its seed from it */
  seed: number
  /** default 'auto' (recorded on the run; neural models use it) */
  device: Device
  data: DataBlock
  /** default 'standard' */
  features: FeaturesConfig
  /** default {}; `false` turns the regime filter off */
  regime: Record<string, unknown> | false
  /** default {} (engine/data/labels/labelConfig.ts fills the rest) */
  labels: Record<string, unknown>
  /** method, purge and embargo always present; folds/mode (walk_forward) or groups/test_groups (cpcv) */
  splits: SplitsBlock
  /** at least one */
  base_models: BaseModelConfig[]
  ensemble: EnsembleConfig | null
  inference: InferenceConfig | null
  policy: PolicyConfig | null
  bundle: BundleConfig
}

/** A registry component chosen by name, with params validated against (and filled from) its spec. */
export interface ComponentRef {
  name: string
  params: Record<string, unknown>
}

export interface BaseModelConfig extends ComponentRef {
  /** unique; default = name (then name_2, name_3, … for repeats) */
  id: string
  /** window length T of window models (inputView window_tensor / mtf_bundle); default spec.needs.lookback */
  lookback?: number
  /** feed the regime probabilities as extra features (default false) */
  use_regime?: boolean
}

export interface EnsembleConfig extends ComponentRef {
  /** a model-registry entry that learns the combination (stacking, blending) */
  meta_learner?: ComponentRef
  /** an ensemble-registry entry with method 'gating' */
  gating?: ComponentRef
  /** feed the regime probabilities to the meta-learner / gate as meta-features */
  use_regime?: boolean
}

export interface UncertaintyConfig extends ComponentRef {
  /** target coverage of the intervals, 0 < coverage < 1 */
  coverage?: number
}

export interface InferenceConfig {
  /** calibrators applied in order, each to the previous one's output */
  calibrate: ComponentRef[]
  uncertainty?: UncertaintyConfig
}

export type PolicyConfig = ComponentRef

export interface BundleConfig {
  create: boolean
  dir?: string
}

/** One problem with a config, located by its path (segments: keys and list indices). */
export interface ConfigIssue {
  path: (string | number)[]
  message: string
  /** the offending value (or the unknown key) */
  value?: unknown
  /** valid choices or ranges, when there are some */
  valid?: (string | number)[]
  /** where the problem was found: 'yaml' syntax, 'schema' shape/values, 'compatibility' between parts */
  stage: 'yaml' | 'schema' | 'compatibility'
  /** for an unknown key: point at the key rather than its value */
  atKey?: boolean
}
