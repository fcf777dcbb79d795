import { FactoryError } from '../../../contracts/errors.ts'
import type { OutputName } from '../../../contracts/outputs.ts'
import type { FitData, JsonObject, NumericArray, Outputs, Targets } from '../../../contracts/component.ts'
import { createRng } from '../../../data/rng.ts'
import type { Rng } from '../../../data/rng.ts'
import type { RunContext } from '../../../registry/component.ts'
import { binDataset } from './binning.ts'
import type { BinnedMatrix } from './binning.ts'
import { trainBooster } from './booster.ts'
import type { BoosterParams, BoosterResult, TrainOptions } from './booster.ts'
import { forestArrays, forestFromArrays, numTrees, treeToJSON } from './forest.ts'
import type { Forest } from './forest.ts'
import type { Objective, ObjectiveName } from './objectives.ts'

/**
 * The per-output "heads" shared by the boosting models (lightgbm, xgboost, catboost): which heads
 * a model trains, the targets they read, the fit loop around trainBooster, and how trained forests
 * are saved, reported and predicted. Each model keeps its own spec, params, objectives and grower;
 * the saved-state layout (`<output>.` array prefixes) is read by the ONNX export, so it lives here
 * once.
 */

export interface Head {
  output: OutputName
  objective: ObjectiveName
  alpha: number
  target: 'label' | 'ret'
}

export const HEADS: Record<'p_up' | 'E_r' | 'q05' | 'q50' | 'q95', Head> = {
  p_up: { output: 'p_up', objective: 'binary', alpha: 0.5, target: 'label' },
  E_r: { output: 'E_r', objective: 'regression', alpha: 0.5, target: 'ret' },
  q05: { output: 'q05', objective: 'quantile', alpha: 0.05, target: 'ret' },
  q50: { output: 'q50', objective: 'quantile', alpha: 0.5, target: 'ret' },
  q95: { output: 'q95', objective: 'quantile', alpha: 0.95, target: 'ret' },
}
export type HeadName = keyof typeof HEADS

/** Every head, in spec order; a head's seed derives from its index here, so it must not move. */
export const HEAD_OUTPUTS = ['p_up', 'E_r', 'q05', 'q50', 'q95'] as const satisfies readonly HeadName[]

/**
 * Head selections. An enum of combinations because params.ts has no list-of-choices type yet;
 * `+` joins heads and `quantiles` means q05+q50+q95.
 */
export const OUTPUT_CHOICES = ['p_up', 'E_r', 'quantiles', 'p_up+E_r', 'p_up+quantiles', 'E_r+quantiles', 'all'] as const
export type OutputChoice = (typeof OUTPUT_CHOICES)[number]

export function headsOf(choice: OutputChoice): HeadName[] {
  const parts = choice === 'all' ? ['p_up', 'E_r', 'quantiles'] : choice.split('+')
  return parts.flatMap((p) => (p === 'quantiles' ? (['q05', 'q50', 'q95'] as const) : [p as HeadName]))
}

/** The head's target column from y (`where` is '' or 'valid.'), checked for presence and, for p_up, {0, 1}. */
export function headTarget(label: string, y: Targets | undefined, head: Head, where: string): Float64Array {
  const t = y?.[head.target]
  if (!t)
    throw new FactoryError('E_CONFIG', `${label} head '${head.output}' trains on ${where}y.${head.target}, which fit() did not receive; given: ${Object.keys(y ?? {}).join(', ') || '(none)'}`, {
      path: `${where}y.${head.target}`,
      valid: Object.keys(y ?? {}),
    })
  if (head.objective === 'binary')
    for (let i = 0; i < t.length; i++)
      if (t[i] !== 0 && t[i] !== 1)
        throw new FactoryError('E_CONFIG', `${label} head 'p_up' needs ${where}y.label in {0, 1}; row ${i} has ${t[i]}`, { path: `${where}y.label`, row: i, value: t[i], valid: [0, 1] })
  return t
}

/** How one model trains one head: its objective, the booster's rng, and grower options. */
export interface HeadSetup {
  objective: Objective
  rng: Rng
  grower?: TrainOptions['grower']
}

export interface FitHeadsOptions {
  label: string
  choice: OutputChoice
  maxBin: number
  booster: BoosterParams
  /** node histograms the grower holds at once, from the binned data (default: trainBooster's) */
  histograms?: (binned: BinnedMatrix) => number
  /** `seed` is the head's own seed (independent of the other heads selected) */
  setup: (head: Head, seed: number) => HeadSetup
}

/**
 * Trains one booster per selected head on one shared binning of x. The rng draws (bin seed, then
 * head seed) happen up front so each head's randomness is independent of which others are chosen.
 */
export function fitHeads(data: FitData, ctx: RunContext, o: FitHeadsOptions): { results: { head: Head; res: BoosterResult }[]; info: JsonObject } {
  const [n, f] = data.x.shape
  const heads = headsOf(o.choice).map((h) => HEADS[h])
  const targets = heads.map((h) => headTarget(o.label, data.y, h, ''))
  const valid = data.valid
  const vTargets = valid ? heads.map((h) => headTarget(o.label, valid.y, h, 'valid.')) : undefined
  const binSeed = ctx.rng.int(0x7fffffff)
  const headSeed = ctx.rng.int(0x7fffffff)
  const binned = binDataset(data.x.data, n, f, o.maxBin, createRng(binSeed))
  const bp = o.booster
  const histograms = o.histograms?.(binned)
  const total = heads.length * bp.numIterations
  const results: { head: Head; res: BoosterResult }[] = []
  const info: JsonObject = {}
  heads.forEach((head, k) => {
    const s = o.setup(head, headSeed ^ Math.imul(0x9e3779b9, 1 + (HEAD_OUTPUTS as readonly string[]).indexOf(head.output)))
    const res = trainBooster(binned, targets[k], data.weight, s.objective, bp, s.rng, {
      ...(s.grower ? { grower: s.grower } : {}),
      ...(histograms !== undefined ? { histograms } : {}),
      valid: valid && vTargets ? { x: valid.x.data, n: valid.x.shape[0], y: vTargets[k], w: valid.weight } : undefined,
      onIteration: (it) => {
        const metrics: Record<string, number> = { train_loss: it.trainLoss }
        if (it.validLoss !== undefined) metrics.valid_loss = it.validLoss
        ctx.progress((k * bp.numIterations + it.iteration) / total, { epoch: it.iteration, metrics, message: head.output })
      },
    })
    results.push({ head, res })
    info[head.output] = {
      objective: head.objective,
      trees: res.bestIteration,
      iterations_run: res.iterationsRun,
      stop_reason: res.stopReason,
      train_loss: res.trainLoss.at(-1) ?? null,
      valid_loss: res.validLoss.length ? res.validLoss[Math.max(0, res.bestIteration - 1)] : null,
    }
  })
  return { results, info }
}

export interface TrainedForest {
  head: Head
  forest: Forest
}

/** Raw scores to the head's output scale (p_up is a probability, the rest are returns), in place. */
export function headOutput(head: Head, raw: Float64Array): Float64Array {
  if (head.objective === 'binary') for (let i = 0; i < raw.length; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]))
  return raw
}

/**
 * Separately trained quantile heads can cross on some rows (q05 above q50). Sorting each row's
 * quantiles is the rearrangement of Chernozhukov, Fernández-Val & Galichon (2010, Econometrica
 * 78(3)): the sorted curve is a valid quantile function and is never farther (in any Lp norm) from
 * the true one than the crossing estimate. Rows that do not cross are left bit-identical.
 */
export function rearrangeQuantiles(out: Outputs): void {
  const cols = (['q05', 'q50', 'q95'] as const).map((k) => out[k]).filter((c): c is Float64Array => c !== undefined)
  if (cols.length < 2) return
  const k = cols.length
  const v = new Float64Array(k)
  for (let i = 0; i < cols[0].length; i++) {
    let sorted = true
    for (let a = 1; a < k; a++) if (cols[a - 1][i] > cols[a][i]) sorted = false
    if (sorted) continue
    for (let a = 0; a < k; a++) v[a] = cols[a][i]
    v.sort()
    for (let a = 0; a < k; a++) cols[a][i] = v[a]
  }
}

/** The trained head for an output; `what`/`none` word the error for models with other engines. */
export function findHead<T extends TrainedForest>(label: string, trained: readonly T[], output: OutputName, what = 'trained head', none = '(none, fit first)'): T {
  const h = trained.find((t) => t.head.output === output)
  if (!h)
    throw new FactoryError('E_NOT_FITTED', `${label} has no ${what} '${output}'; trained: ${trained.map((t) => t.head.output).join(', ') || none}`, {
      value: output,
      valid: trained.map((t) => t.head.output),
    })
  return h
}

/** The forests as nested JSON (LightGBM dump_model layout), keyed by output. */
export function headsJSON(trained: readonly TrainedForest[]): JsonObject {
  const heads: JsonObject = {}
  for (const { head, forest } of trained)
    heads[head.output] = { objective: head.objective, alpha: head.alpha, init_score: forest.initScore, tree_info: Array.from({ length: numTrees(forest) }, (_, t) => treeToJSON(forest, t)) }
  return heads
}

/** Every head's forest arrays under the prefix `<output>.` (the layout the ONNX export reads). */
export function saveForests(trained: readonly TrainedForest[]): Record<string, NumericArray> {
  const arrays: Record<string, NumericArray> = {}
  for (const t of trained) Object.assign(arrays, forestArrays(t.forest, `${t.head.output}.`))
  return arrays
}

/** Saved heads must be the heads the params select, in order. */
export function checkSavedHeads(label: string, choice: OutputChoice, got: readonly string[]): void {
  const want = headsOf(choice)
  if (want.join() !== got.join())
    throw new FactoryError('E_CONFIG', `${label} saved heads ${got.join(', ')} do not match its params' heads ${want.join(', ')}`, { value: got, valid: want })
}

/** A saved head's forest back from its `<output>.` arrays. */
export function loadForest(output: HeadName, initScore: number, arrays: Record<string, NumericArray>): TrainedForest {
  return { head: HEADS[output], forest: forestFromArrays(initScore, arrays, `${output}.`) }
}
