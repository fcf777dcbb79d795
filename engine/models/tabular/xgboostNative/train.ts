import { FactoryError } from '../../../contracts/errors.ts'
import { Booster, DMatrix } from './handles.ts'
import type { XGBoostApi } from './library.ts'
import { xgboostParamStrings } from './params.ts'
import type { XGBoostObjective, XGBoostParamValues } from './params.ts'

/**
 * Training and prediction with libxgboost over plain typed arrays. Models leave this module as
 * libxgboost's own UBJ bytes, never as live handles: a component then owns only JS memory, and
 * every DMatrix/Booster made here is freed before the function returns (or throws).
 *
 * This is the whole native engine; `xgboost_native` (../xgboostNative.ts) wraps it as a component,
 * and our histogram `xgboost` can delegate `engine: native` to `trainXGBoostHeads` / `predictXGBoost`
 * with the same XGBOOST_PARAMS.
 */

export interface XGBoostHeadSpec {
  /** key of the head in the result (e.g. the output name) */
  name: string
  objective: XGBoostObjective
  y: ArrayLike<number>
  /** validation targets; required when `valid` is given */
  validY?: ArrayLike<number>
}

export interface XGBoostTrainInput {
  /** row-major (n, f) features; Float64 values are rounded to float32, as libxgboost stores them */
  x: ArrayLike<number>
  n: number
  f: number
  weight?: ArrayLike<number>
  valid?: { x: ArrayLike<number>; n: number; weight?: ArrayLike<number> }
}

export interface RoundInfo {
  head: string
  /** 1-based round just finished */
  round: number
  rounds: number
  /** validation metric of this round, e.g. { 'valid-logloss': 0.61 } (empty without a validation set) */
  metrics: Record<string, number>
}

export interface TrainedXGBoostHead {
  name: string
  objective: XGBoostObjective
  /** the model in libxgboost's UBJ format, cut to its best round under early stopping */
  model: Uint8Array
  /** rounds kept */
  trees: number
  iterationsRun: number
  stopReason: 'completed' | 'early_stopping'
  /** name and best value of the validation metric, when a validation set was given */
  validMetric?: { name: string; value: number }
}

/**
 * Train one booster per head on one shared DMatrix (the label is swapped between heads; the
 * quantile sketch of the features is computed once and reused by libxgboost). `onRound` runs after
 * every round and may be async (the caller's progress and cancellation point); an exception from it
 * aborts training after all handles are freed.
 */
export async function trainXGBoostHeads(
  api: XGBoostApi,
  input: XGBoostTrainInput,
  heads: readonly XGBoostHeadSpec[],
  params: XGBoostParamValues,
  seed: number,
  onRound: (r: RoundInfo) => void | Promise<void> = () => {},
): Promise<TrainedXGBoostHead[]> {
  const dtrain = new DMatrix(api, input.x, input.n, input.f, params.nthread)
  let dvalid: DMatrix | undefined
  try {
    if (input.weight) dtrain.setFloatInfo('weight', input.weight)
    if (input.valid) {
      dvalid = new DMatrix(api, input.valid.x, input.valid.n, input.f, params.nthread)
      if (input.valid.weight) dvalid.setFloatInfo('weight', input.valid.weight)
    }
    const out: TrainedXGBoostHead[] = []
    for (const head of heads) {
      dtrain.setFloatInfo('label', head.y)
      if (dvalid) {
        if (!head.validY) throw new FactoryError('E_INTERNAL', `xgboost head '${head.name}' got a validation set but no validation targets`, { value: head.name })
        dvalid.setFloatInfo('label', head.validY)
      }
      out.push(await trainHead(api, dtrain, dvalid, head, params, seed, onRound))
    }
    return out
  } finally {
    dtrain.free()
    dvalid?.free()
  }
}

async function trainHead(
  api: XGBoostApi,
  dtrain: DMatrix,
  dvalid: DMatrix | undefined,
  head: XGBoostHeadSpec,
  params: XGBoostParamValues,
  seed: number,
  onRound: (r: RoundInfo) => void | Promise<void>,
): Promise<TrainedXGBoostHead> {
  const booster = Booster.create(api, dvalid ? [dtrain, dvalid] : [dtrain])
  try {
    booster.setParams(xgboostParamStrings(params, head.objective, seed))
    const rounds = params.n_estimators
    const patience = dvalid ? params.early_stopping_rounds : 0
    // xgboost.callback.EarlyStopping semantics: the last metric of the validation set, strict
    // improvement, stop once `patience` rounds in a row failed to improve, keep the best round.
    let best = Infinity
    let bestRound = -1
    let metricName = ''
    let sinceBest = 0
    let run = 0
    let stopReason: TrainedXGBoostHead['stopReason'] = 'completed'
    for (let it = 0; it < rounds; it++) {
      booster.updateOneIter(it, dtrain)
      run = it + 1
      const metrics = dvalid ? booster.evalOneIter(it, [{ name: 'valid', dmat: dvalid }]) : {}
      const names = Object.keys(metrics)
      if (names.length) {
        metricName = names[names.length - 1]
        const v = metrics[metricName]
        if (v < best) ((best = v), (bestRound = it), (sinceBest = 0))
        else sinceBest++
      }
      // let queued events (a cancel from the UI, worker messages) run between rounds
      await new Promise<void>((resolve) => setImmediate(resolve))
      await onRound({ head: head.name, round: run, rounds, metrics })
      if (patience > 0 && sinceBest >= patience) {
        stopReason = 'early_stopping'
        break
      }
    }
    const keep = patience > 0 && bestRound >= 0 ? bestRound + 1 : run
    let model: Uint8Array
    if (keep < booster.rounds()) {
      const cut = booster.slice(0, keep)
      try {
        model = cut.toBuffer('ubj')
      } finally {
        cut.free()
      }
    } else model = booster.toBuffer('ubj')
    return {
      name: head.name,
      objective: head.objective,
      model,
      trees: keep,
      iterationsRun: run,
      stopReason,
      ...(metricName ? { validMetric: { name: metricName, value: best } } : {}),
    }
  } finally {
    booster.free()
  }
}

/**
 * Predict every model on one DMatrix of `x` (n, f): transformed outputs (probabilities for
 * binary:logistic), widened to float64. Each model is read from its bytes for the call and freed
 * after it, so no native handle outlives the call.
 */
export function predictXGBoost(api: XGBoostApi, models: readonly Uint8Array[], x: ArrayLike<number>, n: number, f: number, nthread: number): Float64Array[] {
  const d = new DMatrix(api, x, n, f, nthread)
  try {
    return models.map((bytes) => {
      const b = Booster.fromBuffer(api, bytes)
      try {
        b.setParam('nthread', String(nthread))
        return Float64Array.from(b.predict(d))
      } finally {
        b.free()
      }
    })
  } finally {
    d.free()
  }
}
