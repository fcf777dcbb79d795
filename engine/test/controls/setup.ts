// The leakage controls' shared pipeline: one config (features, labels, splits) for the null, the
// positive and the permutation control, so the only thing that changes between them is the data
// (or the targets), never the pipeline.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeBarsCsv } from '../../data/csvWrite.ts'
import { synthBars, type SynthKind } from '../../data/synthetic/index.ts'
import { createModel } from '../../registry/index.ts'
import type { BaseModelConfig, PipelineConfig } from '../../pipeline/config/types.ts'
import type { RunResult } from '../../pipeline/runner/index.ts'

/** ~17 days of 1-minute bars: enough rows for a ±0.03 chance band, small enough for ~3 s a run. */
export const CONTROL_BARS = 25_000
export const CONTROL_SEEDS = [1, 2, 3] as const
/** chance band for the null and the permutation control */
export const CHANCE: readonly [number, number] = [0.47, 0.53]
/** what the positive control must clear */
export const SIGNAL_AUC = 0.6

/**
 * Params per registry name for these controls: faster or better-regularised settings of the same
 * model. The same params serve all three controls (a model must score chance on noise AND find
 * the signal with them). Models without an entry run with their defaults.
 *
 * catboost: 1000 rounds at its defaults; 60 rounds of depth-4 trees with early stopping suffice.
 * lightgbm / xgboost / xgboost_native: at their defaults they memorise this small, autocorrelated sample
 * (lightgbm 0.57 on one planted seed with 100 trees; xgboost_native 0.58 at depth 6, eta 0.3);
 * shallow trees with big leaves, L2 on the leaf values, row and feature subsampling and early
 * stopping on the runner's inner split keep them near what the features carry.
 * random_forest / extra_trees: 20 trees with leaves of ≥ 100 rows (random_forest on 30 %
 * bootstrap samples): fully grown trees on 16k rows cost seconds per fit and add nothing a
 * control needs.
 */
export const CONTROL_PARAMS: Readonly<Record<string, Record<string, unknown>>> = {
  lightgbm: {
    n_estimators: 100,
    learning_rate: 0.05,
    num_leaves: 7,
    min_data_in_leaf: 200,
    lambda_l2: 10,
    feature_fraction: 0.7,
    bagging_fraction: 0.7,
    bagging_freq: 1,
    early_stopping_rounds: 20,
  },
  xgboost_native: {
    n_estimators: 100,
    learning_rate: 0.05,
    max_depth: 3,
    min_child_weight: 50,
    reg_lambda: 10,
    subsample: 0.7,
    colsample_bytree: 0.7,
    early_stopping_rounds: 20,
  },
  // the same XGBoost params as xgboost_native (one YAML block means one model under both engines)
  xgboost: {
    n_estimators: 100,
    learning_rate: 0.05,
    max_depth: 3,
    min_child_weight: 50,
    reg_lambda: 10,
    subsample: 0.7,
    colsample_bytree: 0.7,
    early_stopping_rounds: 20,
  },
  catboost: { iterations: 60, learning_rate: 0.15, depth: 4, l2_leaf_reg: 10, early_stopping_rounds: 20 },
  random_forest: { n_estimators: 20, min_samples_leaf: 100, max_samples: 0.3 },
  extra_trees: { n_estimators: 20, min_samples_leaf: 100 },
}

/** Registry models whose configured instance (control params) produces p_up, the output AUC scores. */
export function producesPUp(name: string): boolean {
  return createModel(name, CONTROL_PARAMS[name] ?? {}, { seed: 0 }).outputs.includes('p_up')
}

export function baseModel(name: string, params = CONTROL_PARAMS[name] ?? {}): BaseModelConfig {
  return { id: name, name, params }
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'controls-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A synthetic BTCUSDT-like file (24×7 grid, price ~20,000, 0.01 tick). */
export async function writeSeries(dir: string, kind: SynthKind, seed: number, bars = CONTROL_BARS): Promise<string> {
  const file = join(dir, `${kind}_${seed}.csv`)
  await writeBarsCsv(file, synthBars({ kind, bars, seed, startPrice: 20_000, tickSize: 0.01 }))
  return file
}

/**
 * Labels: the 2·ATR(14), 30-bar triple barrier the planted generator was calibrated for
 * (planted.ts: trailing return → label AUC ≈ 0.75 at k = 2), no cost so the barriers are
 * symmetric, timeouts labelled by the sign of the net return so every row is up or down.
 *
 * Features: the standard set without time_of_day / day_of_week. The synthetic grid has no
 * calendar, and 17 days give day_of_week a handful of values per fold, so those columns are only
 * day identifiers a model memorises (they cut logistic's planted AUC from 0.71 to 0.55 on seed 1).
 * They are functions of the timestamp alone, so dropping them hides no leak.
 */
export function controlConfig(file: string, seed: number, models: BaseModelConfig[]): PipelineConfig {
  return {
    name: 'leakage_controls',
    seed,
    device: 'cpu',
    data: { file, instrument: 'BTCUSDT' },
    features: { set: 'standard', exclude: ['time_of_day', 'day_of_week'] },
    regime: false,
    labels: { k_up: 2, k_down: 2, horizon: 30, cost_ticks: 0, timeout_label: 'sign' },
    splits: { method: 'walk_forward', mode: 'expanding', folds: 4, purge: 60, embargo: 240, test_fraction: 0.2 },
    base_models: models,
    ensemble: null,
    inference: null,
    policy: null,
    bundle: { create: false },
  }
}

/** Per-fold AUCs of p_up of one model id: each fold's test span scored on its own. */
export function foldAucs(r: RunResult, id: string): number[] {
  return r.metrics.filter((x) => x.scope === 'fold' && x.model === id && x.output === 'p_up' && x.name === 'auc').map((x) => x.value)
}

/** The overall out-of-fold AUC of p_up per model id (scored by the runner on common rows). */
export function oofAuc(r: RunResult): Record<string, { auc: number; n: number }> {
  const out: Record<string, { auc: number; n: number }> = {}
  for (const m of r.models) {
    const auc = r.metrics.find((x) => x.scope === 'oof' && x.model === m.id && x.output === 'p_up' && x.name === 'auc')
    const n = r.metrics.find((x) => x.scope === 'oof' && x.model === m.id && x.output === null && x.name === 'n')
    out[m.id] = { auc: auc?.value ?? NaN, n: n?.value ?? 0 }
  }
  return out
}
