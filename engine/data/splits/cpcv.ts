import { FactoryError } from '../../contracts/errors.ts'
import { MAX_CPCV_SPLITS, type IndexRange, type SplitCommonOptions, type SplitFold } from './spec.ts'
import { classifyCandidates, maxLabelReach } from './purge.ts'
import { checkInt, describeCommon, finalTestBars, minBarsNeeded, resolveCommon } from './resolve.ts'
import { complementRanges } from './ranges.ts'

/**
 * Combinatorial purged cross-validation (López de Prado, AFML ch. 12; spec rules 1–2, 4–6):
 * the development region is cut into N groups, every k-subset is one split's test set, and the
 * C(N, k) splits recombine into φ = C(N−1, k−1) complete out-of-sample backtest paths, so a
 * strategy is judged on a distribution of paths rather than the single walk-forward history.
 * Training data now FOLLOWS test groups, which is where the embargo earns its keep.
 */

export interface CpcvOptions extends SplitCommonOptions {
  /** N, number of contiguous groups */
  groups: number
  /** k, test groups per split */
  test_groups: number
}

export interface CpcvSplit extends SplitFold {
  /** the split's test group numbers, ascending */
  groups: number[]
  /** one span per test group, ascending (adjacent groups stay separate) */
  test: IndexRange[]
}

export interface CpcvPlan {
  kind: 'cpcv'
  settings: {
    n: number
    groups: number
    test_groups: number
    purge: number
    embargo: number
    test_bars: number
    min_train: number
  }
  development: IndexRange
  finalTest: IndexRange
  /** group g's bar span */
  groups: IndexRange[]
  folds: CpcvSplit[]
  /** paths[p][g] = the split whose test predictions of group g belong to backtest path p */
  paths: number[][]
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0
  let r = 1
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i
  return Math.round(r)
}

/** All k-subsets of 0 … N−1 in lexicographic order (itertools.combinations order). */
export function combinations(N: number, k: number): number[][] {
  const out: number[][] = []
  const idx = Array.from({ length: k }, (_, i) => i)
  for (;;) {
    out.push(idx.slice())
    let i = k - 1
    while (i >= 0 && idx[i] === N - k + i) i--
    if (i < 0) return out
    idx[i]++
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1
  }
}

/** Spec rule 6: the p-th path takes group g from the p-th split (in order) that tests g. */
export function cpcvPaths(N: number, splitGroups: readonly (readonly number[])[]): number[][] {
  const byGroup: number[][] = Array.from({ length: N }, () => [])
  splitGroups.forEach((gs, s) => {
    for (const g of gs) byGroup[g].push(s)
  })
  const phi = byGroup[0].length
  const paths: number[][] = []
  for (let p = 0; p < phi; p++) paths.push(byGroup.map((splits) => splits[p]))
  return paths
}

export function cpcvGroups(D: number, N: number): IndexRange[] {
  const out: IndexRange[] = []
  for (let g = 0; g < N; g++) out.push({ start: Math.floor((g * D) / N), end: Math.floor(((g + 1) * D) / N) })
  return out
}

export function combinatorialPurgedCV(labelEnd: Int32Array, options: CpcvOptions): CpcvPlan {
  const c = resolveCommon(labelEnd, options)
  const N = checkInt('groups', options.groups, 2)
  const k = checkInt('test_groups', options.test_groups, 1, N - 1)
  const count = binomial(N, k)
  if (count > MAX_CPCV_SPLITS) {
    throw new FactoryError('E_SPLIT', `CPCV with groups ${N} and test_groups ${k} makes C(${N},${k}) = ${count} splits; the limit is ${MAX_CPCV_SPLITS} (e.g. groups 10, test_groups 2 gives 45)`, {
      path: 'splits.groups',
      value: { groups: N, test_groups: k },
    })
  }
  const { n, purge: P, embargo: E } = c
  const D = c.development.end
  const combos = combinations(N, k)
  const tooSmall = (what: string, fold?: number): FactoryError => {
    const h = maxLabelReach(labelEnd)
    const need = minBarsNeeded((m) => cpcvFits(m, options, N, combos, P, E, h, c.min_train), n)
    const needText = need === undefined ? 'no bar count fits' : need > n ? `need at least about ${need} bars; have ${n}` : `the layout fits ${n} bars, so unlabelled samples or label reach (up to ${h} bars) emptied it`
    return new FactoryError('E_SPLIT', `${what}. CPCV with ${N} groups, ${k} test groups, ${describeCommon(options, c)}: ${needText}`, {
      path: 'splits',
      value: { n, groups: N, test_groups: k, purge: P, embargo: E, test_bars: c.test_bars },
      fold,
      need,
    })
  }
  if (Math.floor(D / N) < 1) {
    throw tooSmall(`${n} bars − final test ${c.test_bars} − purge ${P} − embargo ${E} leave a development region of ${Math.max(0, D)} bars; ${N} groups need at least ${N}`)
  }
  const groups = cpcvGroups(D, N)
  const f = c.finalTest.start
  const folds: CpcvSplit[] = combos.map((gs, s) => {
    const test = gs.map((g) => groups[g])
    const r = classifyCandidates(complementRanges(0, D, test), test, f, labelEnd, P, E)
    if (r.trainCount < c.min_train) {
      throw tooSmall(
        `CPCV split ${s} (test groups ${gs.join(', ')}) keeps ${r.trainCount} training samples ` +
          `(purged ${r.purged}, embargoed ${r.embargoed}, unlabelled ${r.unlabeled}); min_train is ${c.min_train}`,
        s,
      )
    }
    return { fold: s, groups: gs, test, train: r.train, trainCount: r.trainCount, purged: r.purged, embargoed: r.embargoed, unlabeled: r.unlabeled }
  })
  return {
    kind: 'cpcv',
    settings: { n, groups: N, test_groups: k, purge: P, embargo: E, test_bars: c.test_bars, min_train: c.min_train },
    development: c.development,
    finalTest: c.finalTest,
    groups,
    folds,
    paths: cpcvPaths(N, combos),
  }
}

/**
 * Label-free count for m bars with a uniform label reach h: each test group forbids
 * [s − max(P, h), e + E) and labels reaching the final test forbid [f − h, D); a split trains on
 * what the union of those zones leaves of [0, D). Exact when every sample is labelled.
 */
function cpcvFits(m: number, o: SplitCommonOptions, N: number, combos: readonly number[][], P: number, E: number, h: number, minTrain: number): boolean {
  const T = finalTestBars(m, o)
  if (T < 1) return false
  const f = m - T
  const D = f - P - E
  if (Math.floor(D / N) < 1) return false
  const groups = cpcvGroups(D, N)
  const reach = Math.max(P, h)
  for (const gs of combos) {
    let covered = 0
    let at = 0
    const zones = gs.map((g) => [groups[g].start - reach, groups[g].end + E])
    zones.push([f - h, D])
    zones.sort((x, y) => x[0] - y[0])
    for (const [lo, hi] of zones) {
      const a = Math.max(lo, at, 0)
      const b = Math.min(hi, D)
      if (b > a) covered += b - a
      at = Math.max(at, b)
    }
    if (D - covered < minTrain) return false
  }
  return true
}
