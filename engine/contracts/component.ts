import type { AnyOutputName } from './outputs.ts'
import type { AnySpec, ComponentKind } from './specs.ts'

/**
 * The lifecycle every plug-in (model, ensemble, calibrator/conformal, policy) implements:
 * fit / predict / save / load over plain typed arrays with explicit shapes, plus getConfig()
 * returning JSON. Plain arrays keep components backend-free (a tfjs model converts at its own
 * edge), transferable to workers, and storable as BLOBs or bundle files without a format layer.
 */

export type FloatArray = Float32Array | Float64Array
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Int16Array | Uint16Array

/**
 * A dense row-major array. shape[0] is always the sample count n: (n, f) for feature_matrix,
 * (n, T, f) for window_tensor (T steps, oldest first, the last step is the sample's own bar).
 */
export interface Tensor {
  data: FloatArray
  shape: readonly number[]
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue }
export type JsonObject = { [k: string]: JsonValue }

/**
 * Training targets by name, each of length n. Conventions the runner follows:
 * - `label`: 1 when the sample's triple-barrier label is +1, else 0 (what p_up estimates);
 * - `ret`: the sample's forward net return over the label horizon (what E_r and quantiles fit).
 * Components needing another target read it by name and fail with E_CONFIG if it is absent.
 */
export type Targets = Readonly<Record<string, Float64Array>>

export interface FitData {
  x: Tensor
  y?: Targets
  /** per-sample weights, length n */
  weight?: Float64Array
  /** names of the last axis of x (features, or members' outputs for an ensemble/calibrator) */
  names?: readonly string[]
  /** validation set for early stopping (the inner purged split); same per-sample shape as x */
  valid?: { x: Tensor; y?: Targets; weight?: Float64Array }
}

/** Predictions by output name, each of length n, aligned with the rows of the input. */
export type Outputs = { [K in AnyOutputName]?: Float64Array }

export interface ProgressInfo {
  /** 0..1 of this fit/predict call */
  fraction: number
  epoch?: number
  /** e.g. training and validation loss; plain numbers so they can be streamed as events */
  metrics?: Readonly<Record<string, number>>
  message?: string
}

/** The part of AbortSignal the engine uses; contracts compile without DOM or Node types. */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason?: unknown
}

export interface CallOptions {
  onProgress?: (p: ProgressInfo) => void
  signal?: AbortSignalLike
}

/** What a factory receives besides the raw (unvalidated) params. */
export interface ComponentOptions {
  seed?: number
  /** config path of the params mapping, so errors point at the YAML (e.g. `base_models[1].params`) */
  paramPath?: string
}

/** getConfig(): enough to rebuild the component through its registry factory. */
export interface ComponentConfig {
  kind: ComponentKind
  name: string
  seed: number
  params: JsonObject
}

export interface FitReport {
  seconds: number
  /** anything the plug-in reports (epochs run, best iteration, final loss), JSON only */
  info: JsonObject
}

/**
 * A trained component in storable form: JSON for structure, typed arrays for the bulk (weights,
 * tree thresholds), which a bundle writes as binary files and the store as BLOBs.
 */
export interface SavedComponent {
  config: ComponentConfig
  /** version of the plug-in's state layout, checked on load */
  stateVersion: number
  /** per-sample input shape seen at fit (shape without n), checked on predict */
  inputShape: number[]
  names?: string[]
  state: JsonValue
  arrays: Record<string, NumericArray>
}

export interface Component<S extends AnySpec = AnySpec> {
  readonly kind: ComponentKind
  readonly spec: S
  readonly fitted: boolean
  /**
   * The outputs this configured instance produces: spec.outputs lists everything the plug-in CAN
   * produce; params may select a subset (e.g. a booster trained only for p_up). Known before fit,
   * so the config validator can check what flows downstream.
   */
  readonly outputs: readonly AnyOutputName[]
  fit(data: FitData, opts?: CallOptions): Promise<FitReport>
  predict(x: Tensor, opts?: CallOptions): Promise<Outputs>
  save(): SavedComponent
  load(saved: SavedComponent): void
  getConfig(): ComponentConfig
}

/** Every registry stores factories of this shape: raw params in, validated component out. */
export type ComponentFactory<S extends AnySpec = AnySpec> = (params: unknown, opts?: ComponentOptions) => Component<S>
