import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import {
  WALK_FORWARD_MODES,
  type IndexRange,
  type SplitCommonOptions,
  type SplitFold,
  type WalkForwardMode,
} from './spec.ts'
import { classifyCandidates, maxLabelReach } from './purge.ts'
import { checkInt, describeCommon, finalTestBars, minBarsNeeded, resolveCommon } from './resolve.ts'
import { fmtRange } from './ranges.ts'

/**
 * Purged walk-forward splits (spec rules 1–3 and 5 in spec.ts): K folds tested in time order over
 * the development region, each trained only on what came before its test span, minus the fixed
 * purge zone and every sample whose label window reaches its test span or the final test span.
 */

export interface WalkForwardOptions extends SplitCommonOptions {
  folds: number
  /** default 'expanding' */
  mode?: WalkForwardMode
  /** rolling only: bars of training candidates before each fold's purge zone */
  train_bars?: number
}

export interface WalkForwardFold extends SplitFold {
  test: IndexRange
}

export interface WalkForwardPlan {
  kind: 'walk_forward'
  settings: {
    n: number
    folds: number
    mode: WalkForwardMode
    train_bars: number | null
    purge: number
    embargo: number
    test_bars: number
    min_train: number
  }
  development: IndexRange
  finalTest: IndexRange
  folds: WalkForwardFold[]
}

/** Spec rule 3: test span length and fold k's test start over a development region of D bars. */
export function walkForwardTestSpans(D: number, K: number): IndexRange[] {
  const Lt = Math.floor(D / (K + 1))
  const out: IndexRange[] = []
  for (let k = 0; k < K; k++) {
    const s = D - (K - k) * Lt
    out.push({ start: s, end: s + Lt })
  }
  return out
}

export function purgedWalkForward(labelEnd: Int32Array, options: WalkForwardOptions): WalkForwardPlan {
  const c = resolveCommon(labelEnd, options)
  const K = checkInt('folds', options.folds, 1)
  const mode = options.mode ?? 'expanding'
  if (!WALK_FORWARD_MODES.includes(mode)) {
    throw new FactoryError('E_PARAM', unknownNameMessage('splits.mode', String(mode), WALK_FORWARD_MODES), {
      path: 'splits.mode',
      value: mode,
      valid: WALK_FORWARD_MODES,
    })
  }
  let R: number | null = null
  if (mode === 'rolling') {
    if (options.train_bars === undefined) {
      throw new FactoryError('E_PARAM', "splits.train_bars is required when splits.mode is 'rolling' (bars of training per fold)", {
        path: 'splits.train_bars',
      })
    }
    R = checkInt('train_bars', options.train_bars, 1)
  }
  const { n, purge: P, embargo: E } = c
  const D = c.development.end
  const tooSmall = (what: string, fold?: number): FactoryError => {
    const h = maxLabelReach(labelEnd)
    const need = minBarsNeeded((m) => layoutFits(m, options, K, R, P, E, h, c.min_train), n)
    const needText = need === undefined ? 'no bar count fits' : need > n ? `need at least about ${need} bars; have ${n}` : `the layout fits ${n} bars, so unlabelled samples or label reach (up to ${h} bars) emptied it`
    return new FactoryError(
      'E_SPLIT',
      `${what}. ${K} ${mode} walk-forward folds${R !== null ? ` of train_bars ${R}` : ''} with ${describeCommon(options, c)}: ${needText}`,
      { path: 'splits', value: { n, folds: K, mode, train_bars: R, purge: P, embargo: E, test_bars: c.test_bars }, fold, need },
    )
  }
  if (Math.floor(D / (K + 1)) < 1) {
    throw tooSmall(
      `${n} bars − final test ${c.test_bars} − purge ${P} − embargo ${E} leave a development region of ${Math.max(0, D)} bars; ${K} folds need at least ${K + 1} (a first training block and one test bar per fold)`,
    )
  }
  const f = c.finalTest.start
  const folds: WalkForwardFold[] = []
  const spans = walkForwardTestSpans(D, K)
  for (let k = 0; k < K; k++) {
    const test = spans[k]
    const lo = R === null ? 0 : Math.max(0, test.start - P - R)
    const cand = { start: lo, end: test.start }
    const r = classifyCandidates([cand], [test], f, labelEnd, P, E)
    if (r.trainCount < c.min_train) {
      throw tooSmall(
        `walk-forward fold ${k} (test ${fmtRange(test)}) keeps ${r.trainCount} training samples of the ${cand.end - cand.start} candidates ${fmtRange(cand)} ` +
          `(purged ${r.purged}, unlabelled ${r.unlabeled}); min_train is ${c.min_train}`,
        k,
      )
    }
    folds.push({ fold: k, train: r.train, test, trainCount: r.trainCount, purged: r.purged, embargoed: r.embargoed, unlabeled: r.unlabeled })
  }
  return {
    kind: 'walk_forward',
    settings: { n, folds: K, mode, train_bars: R, purge: P, embargo: E, test_bars: c.test_bars, min_train: c.min_train },
    development: c.development,
    finalTest: c.finalTest,
    folds,
  }
}

/**
 * Label-free estimate of whether m bars fit: fold 0 is the tightest (least history), and a
 * uniform label reach h purges max(P, h) bars before its test start.
 */
function layoutFits(
  m: number,
  o: SplitCommonOptions,
  K: number,
  R: number | null,
  P: number,
  E: number,
  h: number,
  minTrain: number,
): boolean {
  const T = finalTestBars(m, o)
  if (T < 1) return false
  const D = m - T - P - E
  const Lt = Math.floor(D / (K + 1))
  if (Lt < 1) return false
  const s0 = D - K * Lt
  const lo = R === null ? 0 : Math.max(0, s0 - P - R)
  return s0 - Math.max(P, h) - lo >= minTrain
}
