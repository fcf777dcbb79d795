import { FactoryError } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { createRng, type Rng } from '../rng.ts'
import type { GaConfig, LabelSearchBounds } from './labelConfig.ts'
import { labelObjective, prepareObjective, type LabelCandidate, type ObjectiveMarket, type ObjectiveStats, type TrainRange } from './labelObjective.ts'

/**
 * Seeded genetic search for the triple-barrier parameters (k_up, k_down, horizon), maximising the
 * objective documented in labelObjective.ts over TRAINING RANGES ONLY (the objective reads no bar
 * outside them). Real-coded GA: uniform initial population inside the bounds, tournament
 * selection, per-gene arithmetic crossover, Gaussian mutation clamped to the bounds, elitism.
 * k values are kept on a 0.001 grid and the horizon is an integer, so repeated candidates hit a
 * cache instead of re-labelling the data.
 * The only randomness is the seeded RNG, so (data, ranges, bounds, config) → identical result.
 */

export interface GenerationRecord {
  generation: number
  /** best objective in this generation */
  best: number
  /** mean objective over the members with at least one sample */
  mean: number
  /** best objective seen so far (any generation) */
  bestSoFar: number
  bestParams: LabelCandidate
}

export interface LabelOptimiseResult {
  best: LabelCandidate
  objective: number
  stats: ObjectiveStats
  history: GenerationRecord[]
  /** distinct candidates labelled */
  evaluations: number
}

export type LabelOptimiseProgress = GenerationRecord & { generations: number }

const K_GRID = 1000

function quantiseK(v: number, [lo, hi]: [number, number]): number {
  const q = Math.round(v * K_GRID) / K_GRID
  return q < lo ? lo : q > hi ? hi : q
}

function quantiseH(v: number, [lo, hi]: [number, number]): number {
  const q = Math.round(v)
  return q < lo ? lo : q > hi ? hi : q
}

const keyOf = (c: LabelCandidate) => `${c.k_up}|${c.k_down}|${c.horizon}`

function checkSearch(bounds: LabelSearchBounds, ga: GaConfig): void {
  const bad = (path: string, value: unknown, valid: string): never => {
    throw new FactoryError('E_PARAM', `labels.optimise.${path} must be ${valid}; got ${JSON.stringify(value)}`, { path: `labels.optimise.${path}`, value, valid: [valid] })
  }
  for (const g of ['k_up', 'k_down', 'horizon'] as const) {
    const b = bounds[g]
    const ok = Array.isArray(b) && b.length === 2 && Number.isFinite(b[0]) && Number.isFinite(b[1]) && b[0] <= b[1] && (g === 'horizon' ? Number.isInteger(b[0]) && Number.isInteger(b[1]) && b[0] >= 1 : b[0] > 0)
    if (!ok) bad(`bounds.${g}`, b, g === 'horizon' ? 'an integer pair [lo, hi] with 1 ≤ lo ≤ hi' : 'a pair [lo, hi] with 0 < lo ≤ hi')
  }
  if (!(Number.isInteger(ga.population) && ga.population >= 2)) bad('population', ga.population, 'an integer ≥ 2')
  if (!(Number.isInteger(ga.generations) && ga.generations >= 1)) bad('generations', ga.generations, 'an integer ≥ 1')
  if (!(ga.mutation_rate >= 0 && ga.mutation_rate <= 1)) bad('mutation_rate', ga.mutation_rate, 'in 0..1')
  if (!(ga.mutation_scale > 0 && ga.mutation_scale <= 1)) bad('mutation_scale', ga.mutation_scale, 'in (0, 1]')
  if (!(ga.crossover_rate >= 0 && ga.crossover_rate <= 1)) bad('crossover_rate', ga.crossover_rate, 'in 0..1')
  if (!(Number.isInteger(ga.tournament_size) && ga.tournament_size >= 1 && ga.tournament_size <= ga.population)) bad('tournament_size', ga.tournament_size, `an integer in 1..${ga.population}`)
  if (!(Number.isInteger(ga.elitism) && ga.elitism >= 0 && ga.elitism < ga.population)) bad('elitism', ga.elitism, `an integer in 0..${ga.population - 1}`)
  if (!(Number.isInteger(ga.seed) && ga.seed >= 0)) bad('seed', ga.seed, 'an integer ≥ 0')
}

function randomCandidate(rng: Rng, b: LabelSearchBounds): LabelCandidate {
  return {
    k_up: quantiseK(b.k_up[0] + rng.next() * (b.k_up[1] - b.k_up[0]), b.k_up),
    k_down: quantiseK(b.k_down[0] + rng.next() * (b.k_down[1] - b.k_down[0]), b.k_down),
    horizon: b.horizon[0] + rng.int(b.horizon[1] - b.horizon[0] + 1),
  }
}

/** Higher objective first; ties keep population order so the sort is deterministic. */
function rankOrder(fit: Float64Array): number[] {
  const idx = Array.from(fit, (_, i) => i)
  return idx.sort((a, b) => (fit[a] > fit[b] ? -1 : fit[a] < fit[b] ? 1 : a - b))
}

export async function optimiseLabelParams(
  bars: Pick<Bars, 'length' | 'high' | 'low' | 'close' | 'line' | 'source'>,
  trainRanges: readonly TrainRange[],
  bounds: LabelSearchBounds,
  gaCfg: GaConfig,
  market: ObjectiveMarket,
  onProgress?: (p: LabelOptimiseProgress) => void,
  signal?: AbortSignal,
): Promise<LabelOptimiseResult> {
  checkSearch(bounds, gaCfg)
  const ctx = prepareObjective(bars, trainRanges, market)
  if (ctx.longest < ctx.atrPeriod + bounds.horizon[0]) {
    throw new FactoryError('E_SPLIT', `the longest training range has ${ctx.longest} bars, but a label window needs atr_period − 1 + horizon + 1 = ${ctx.atrPeriod + bounds.horizon[0]} bars at the smallest horizon ${bounds.horizon[0]}`, {
      path: 'labels.optimise.bounds.horizon', value: bounds.horizon, valid: [`1..${Math.max(1, ctx.longest - ctx.atrPeriod)}`],
    })
  }
  const rng = createRng(gaCfg.seed)
  const cache = new Map<string, ObjectiveStats>()
  const evaluate = (c: LabelCandidate): ObjectiveStats => {
    const k = keyOf(c)
    let s = cache.get(k)
    if (!s) { s = labelObjective(ctx, c); cache.set(k, s) }
    return s
  }
  const P = gaCfg.population
  let pop: LabelCandidate[] = Array.from({ length: P }, () => randomCandidate(rng, bounds))
  let best: LabelCandidate = pop[0]
  let bestStats: ObjectiveStats = evaluate(best)
  const history: GenerationRecord[] = []

  for (let g = 0; g < gaCfg.generations; g++) {
    if (signal?.aborted) throw new FactoryError('E_CANCELLED', `label optimisation cancelled at generation ${g} of ${gaCfg.generations}`, { value: g })
    const fit = new Float64Array(P)
    let sum = 0, finite = 0
    for (let i = 0; i < P; i++) {
      const s = evaluate(pop[i])
      fit[i] = s.objective
      if (s.objective > -Infinity) { sum += s.objective; finite++ }
      if (s.objective > bestStats.objective) { best = pop[i]; bestStats = s }
    }
    const order = rankOrder(fit)
    const rec: GenerationRecord = { generation: g, best: fit[order[0]], mean: finite ? sum / finite : NaN, bestSoFar: bestStats.objective, bestParams: { ...pop[order[0]] } }
    history.push(rec)
    onProgress?.({ ...rec, generations: gaCfg.generations })
    if (g === gaCfg.generations - 1) break

    const tournament = (): LabelCandidate => {
      let w = rng.int(P)
      for (let j = 1; j < gaCfg.tournament_size; j++) {
        const c = rng.int(P)
        if (fit[c] > fit[w] || (fit[c] === fit[w] && c < w)) w = c
      }
      return pop[w]
    }
    const next: LabelCandidate[] = order.slice(0, gaCfg.elitism).map((i) => pop[i])
    while (next.length < P) {
      const a = tournament()
      let child: LabelCandidate
      if (rng.next() < gaCfg.crossover_rate) {
        const b = tournament()
        const mix = (x: number, y: number) => { const w = rng.next(); return w * x + (1 - w) * y }
        child = { k_up: mix(a.k_up, b.k_up), k_down: mix(a.k_down, b.k_down), horizon: mix(a.horizon, b.horizon) }
      } else child = { ...a }
      for (const gene of ['k_up', 'k_down', 'horizon'] as const) {
        if (rng.next() < gaCfg.mutation_rate) child[gene] += rng.normal() * gaCfg.mutation_scale * (bounds[gene][1] - bounds[gene][0])
      }
      next.push({ k_up: quantiseK(child.k_up, bounds.k_up), k_down: quantiseK(child.k_down, bounds.k_down), horizon: quantiseH(child.horizon, bounds.horizon) })
    }
    pop = next
    // let a worker's message loop run (progress out, abort in) between generations
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  if (!(bestStats.objective > -Infinity)) {
    throw new FactoryError('E_SPLIT', `no candidate had a training sample whose label window fits inside a training range (horizons ${bounds.horizon[0]}..${bounds.horizon[1]}, longest range ${ctx.longest} bars)`, {
      path: 'labels.optimise.bounds.horizon', value: bounds.horizon,
    })
  }
  return { best: { ...best }, objective: bestStats.objective, stats: bestStats, history, evaluations: cache.size }
}
