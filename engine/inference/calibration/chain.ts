import { FactoryError } from '../../contracts/errors.ts'
import type { AbortSignalLike, Component, ProgressInfo, SavedComponent } from '../../contracts/component.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import { inferenceRegistry, restoreComponent } from '../../registry/index.ts'

/**
 * Calibrators in config order (`inference.calibrate: [..]`): stage k is fitted on the outputs of
 * stages 0..k−1 applied to the same out-of-fold rows, and applied in the same order at predict.
 *
 * How the runner uses it (not wired yet): after the ensemble step it holds the OOF p_up of the
 * training span with its labels (and label-uniqueness weights). It calls
 *     const chain = await fitCalibrationChain(config.inference.calibrate, oofP, oofLabel, { weight, seed, signal })
 * once per outer fit — only on OOF/calibration rows, never on the test span — then
 *     const pTest = await applyChain(chain, testP)
 * on the test span, and stores `saveChain(chain)` with the run's artifacts (the bundle rebuilds it
 * with `restoreChain`). Both functions are pure: inputs are never mutated and the chain holds its
 * own copies of everything it learned.
 */

/** One calibrator as the config names it (structurally a pipeline ComponentRef). */
export interface CalibratorRef {
  name: string
  params?: Record<string, unknown>
}

export interface CalibrationChain {
  /** fitted stages, in application order */
  readonly stages: readonly Component<InferenceSpec>[]
}

export interface ChainOptions {
  /** per-row weights, length n, passed to every stage */
  weight?: Float64Array
  /** seed for every stage (calibrators are deterministic; kept for the component contract) */
  seed?: number
  signal?: AbortSignalLike
  /** progress of the whole chain: stage k of K maps its 0..1 to (k..k+1)/K */
  onProgress?: (p: ProgressInfo & { stage: number; name: string }) => void
  /** config path of the list, for error locations (default 'inference.calibrate') */
  path?: string
}

const column = (p: Float64Array) => ({ data: p, shape: [p.length, 1] as const })

export async function fitCalibrationChain(specs: readonly CalibratorRef[], p: Float64Array, y: Float64Array, opts: ChainOptions = {}): Promise<CalibrationChain> {
  const path = opts.path ?? 'inference.calibrate'
  if (y.length !== p.length)
    throw new FactoryError('E_SHAPE', `calibration chain: ${y.length} labels for ${p.length} predictions`, { path, value: y.length, valid: [p.length] })
  const stages: Component<InferenceSpec>[] = []
  const K = specs.length
  let cur = p
  for (let k = 0; k < K; k++) {
    const ref = specs[k]
    const entry = inferenceRegistry.get(ref.name, `${path}[${k}].name`)
    if (entry.spec.category !== 'calibration') {
      const known = inferenceRegistry.list((s) => s.category === 'calibration').map((s) => s.name)
      throw new FactoryError('E_CONFIG', `${path}[${k}]: '${ref.name}' is a ${entry.spec.category} method, not a calibrator; calibrators: ${known.join(', ')}`, {
        path: `${path}[${k}].name`,
        value: ref.name,
        valid: known,
      })
    }
    const stage = entry.factory(ref.params ?? {}, { seed: opts.seed ?? 0, paramPath: `${path}[${k}].params` })
    await stage.fit(
      { x: column(cur), y: { label: y }, ...(opts.weight ? { weight: opts.weight } : {}), names: ['p_up'] },
      { signal: opts.signal, onProgress: opts.onProgress && ((i) => opts.onProgress!({ ...i, fraction: (k + i.fraction) / K, stage: k, name: ref.name })) },
    )
    if (k + 1 < K) cur = (await stage.predict(column(cur), { signal: opts.signal })).p_up!
    stages.push(stage)
  }
  return { stages }
}

/** The calibrated p: every stage in order. An empty chain returns a copy of p. */
export async function applyChain(chain: CalibrationChain, p: Float64Array, opts: { signal?: AbortSignalLike } = {}): Promise<Float64Array> {
  let cur = p
  for (const stage of chain.stages) cur = (await stage.predict(column(cur), opts)).p_up!
  return cur === p ? p.slice() : cur
}

export function saveChain(chain: CalibrationChain): SavedComponent[] {
  return chain.stages.map((s) => s.save())
}

export function restoreChain(saved: readonly SavedComponent[]): CalibrationChain {
  return { stages: saved.map((s) => restoreComponent(s) as Component<InferenceSpec>) }
}
