import type { Bars } from '../../data/bars.ts'
import { applyRegimes, fitRegimes } from '../../data/regimes/regimes.ts'
import type { FeatureColumn } from '../../data/views/index.ts'

/**
 * Regime probabilities as extra feature columns, with the HMM refitted per fold on bars
 * [0, end of the fold's last training range) only — the data stage's HMM saw the whole
 * development region, which includes later folds' test spans. The filter is causal, so applying
 * the fitted model to every bar gives P(state_t | bars ≤ t). Cached by training end: models of
 * one fold share one fit.
 */
export class RegimeColumns {
  private readonly cache = new Map<number, FeatureColumn[]>()

  constructor(private readonly bars: Bars, private readonly cfg: Record<string, unknown>, private readonly signal?: AbortSignal) {}

  columns(trainEnd: number): FeatureColumn[] {
    const hit = this.cache.get(trainEnd)
    if (hit) return hit
    const model = fitRegimes(this.bars, { start: 0, end: trainEnd }, this.cfg, this.signal ? { signal: this.signal } : {})
    const { probs, states } = applyRegimes(model, this.bars)
    const n = this.bars.length
    const cols: FeatureColumn[] = []
    for (let k = 0; k < states; k++) {
      const v = new Float64Array(n)
      for (let i = 0; i < n; i++) v[i] = probs[i * states + k]
      cols.push({ name: `regime_prob_${k}`, values: v })
    }
    this.cache.set(trainEnd, cols)
    return cols
  }
}
