/**
 * THE SPLIT RULES — the written contract that walkForward.ts, cpcv.ts, innerValidation.ts and
 * audit.ts implement, and that scripts/fixtures/splits_reference.py re-implements independently.
 * Change a rule here first, then both implementations, then regenerate the fixtures.
 *
 * Notation. Samples are bar indices 0 … n−1 (n = labelEnd.length). labelEnd[i] is the last bar
 * that sample i's label reads. Sample i is LABELLED iff i ≤ labelEnd[i] ≤ n−1; anything else
 * (−1, < i, ≥ n) is UNLABELLED and is never trained on. Every span is half-open [start, end).
 * P = purge (default 60 bars), E = embargo (default 1440 bars), both integers ≥ 0.
 *
 * 1. Final test span. T = test_bars if given, else floor(n · test_fraction) (default 0.2); T ≥ 1.
 *    F = [f, n) with f = n − T. It is never a fold's test or training data.
 * 2. Development region. D = f − P − E; dev = [0, D). The P + E bars [D, f) belong to nothing, so
 *    no development sample sits within purge + embargo of the final test span.
 * 3. Walk-forward layout, K ≥ 1 folds. Lt = floor(D / (K + 1)) ≥ 1. Fold k = 0 … K−1 tests on
 *    [s_k, e_k) with s_k = D − (K − k)·Lt and e_k = s_k + Lt; the last test span ends at D and the
 *    first block [0, s_0) (≥ Lt bars, it takes the remainder) is training only.
 *    Candidates: expanding → [0, s_k); rolling with train_bars R → [max(0, s_k − P − R), s_k),
 *    i.e. R bars of training before the fixed purge zone.
 * 4. CPCV layout (López de Prado, AFML ch. 12), N ≥ 2 groups, 1 ≤ k < N test groups.
 *    Group g = [floor(g·D/N), floor((g+1)·D/N)); floor(D/N) ≥ 1. The splits are the C(N, k)
 *    k-subsets of groups in lexicographic order (Python's itertools.combinations order); split
 *    number = position in that order. A split's test spans are its groups in increasing order
 *    (adjacent groups stay separate entries). Candidates = dev minus the split's test groups.
 * 5. Classification (shared). For a fold with test spans [s_j, e_j) every candidate i is, first
 *    matching rule wins:
 *      a. unlabelled                                   → counted in `unlabeled`, dropped
 *      b. for some j: s_j − P ≤ i < s_j  (fixed purge zone), or
 *         for some j: i < s_j ≤ labelEnd[i] (label window reaches the test span), or
 *         labelEnd[i] ≥ f (label window reaches the final test span)
 *                                                      → counted in `purged`, dropped
 *      c. for some j: e_j ≤ i < e_j + E (embargo)      → counted in `embargoed`, dropped
 *      d. otherwise                                    → a training sample.
 *    `train` lists the maximal runs of consecutive training samples as [start, end), ascending.
 *    A fold whose training count is < min_train (default 1) is an E_SPLIT error.
 *    (In walk-forward no candidate follows its test span, so `embargoed` is always 0 there.)
 * 6. Backtest paths (CPCV). φ = C(N, k)·k/N = C(N−1, k−1). paths[p][g] = the split number of the
 *    (p+1)-th split, in split order, whose test groups include g. Path p therefore covers every
 *    group once; stitching group g's test predictions from split paths[p][g] for g = 0 … N−1
 *    gives one full out-of-sample backtest over the development region.
 * 7. Inner validation (early stopping inside a fold). Given a fold's train ranges holding M
 *    samples: V = floor(M · val_fraction), need 1 ≤ V < M. Validation = the last V training
 *    samples (as ranges); v = its first index. Fit candidates = training samples < v; one is
 *    purged if v − P ≤ i or labelEnd[i] ≥ v. At least one fit sample must remain (else E_SPLIT).
 * 8. What the audit proves, for every fold and every training index i:
 *      i is labelled; no span [s_j − P, e_j + E) contains i (purge zone, test, embargo); the label
 *      window [i, labelEnd[i]] meets no [s_j, e_j + E); and, when a final test [f, n) is given,
 *      i < f − P − E and labelEnd[i] < f, and no fold test span reaches past f − P − E.
 *    Train ranges must be ascending, disjoint, non-empty and inside [0, n).
 */

export interface IndexRange {
  start: number
  end: number
}

export type WalkForwardMode = 'expanding' | 'rolling'
export const WALK_FORWARD_MODES: readonly WalkForwardMode[] = ['expanding', 'rolling']

export const DEFAULT_PURGE = 60
export const DEFAULT_EMBARGO = 1440
export const DEFAULT_TEST_FRACTION = 0.2
export const DEFAULT_MIN_TRAIN = 1
/** C(N, k) above this is almost surely a typo (C(20,10) = 184,756 trainings); refuse it. */
export const MAX_CPCV_SPLITS = 1000

/** Settings shared by both layouts; snake_case because they come straight from the YAML config. */
export interface SplitCommonOptions {
  purge?: number
  embargo?: number
  /** fraction of bars for the final test span; ignored when test_bars is given */
  test_fraction?: number
  test_bars?: number
  /** fewest training samples a fold may keep after purge and embargo */
  min_train?: number
}

/** One fold (walk-forward) or one split (CPCV), ready to print as JSON. */
export interface SplitFold {
  fold: number
  train: IndexRange[]
  trainCount: number
  purged: number
  embargoed: number
  unlabeled: number
}

export interface ResolvedCommon {
  n: number
  purge: number
  embargo: number
  test_bars: number
  min_train: number
  finalTest: IndexRange
  development: IndexRange
}
