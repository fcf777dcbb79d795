import { FactoryError } from '../contracts/errors.ts'
import type { OutputName } from '../contracts/outputs.ts'
import type { EnsembleSpec } from '../contracts/specs.ts'
import type { ComponentOptions, FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../contracts/component.ts'
import { BaseComponent } from '../registry/component.ts'
import type { PluginState, RunContext } from '../registry/component.ts'
import { layoutFromJson, layoutToJson, outputColumns, parseMemberColumns } from './members.ts'
import type { MemberLayout } from './members.ts'

/**
 * What every ensemble shares, so voting / stacking / blending write only their combiner:
 * reading the member layout from FitData.names (members.ts), choosing the outputs from params,
 * refusing members that lack a chosen output, p_up and regime probabilities outside [0, 1],
 * labels other than 0/1, missing targets and bad weights — each with the row and column named.
 * BaseComponent already rejects NaN/±Inf, bad shapes, unfitted use and cancelled calls.
 *
 * Output choice: `p_up` (default true) and `e_r` (default false) params, plus `quantiles` for
 * voting. Chosen in params rather than discovered from the members at fit, because a component's
 * outputs must be known before it is fitted (the config validator and the composer read them).
 */

/** The output-choice params every ensemble has. */
export const OUTPUT_CHOICE_PARAMS = {
  p_up: { type: 'boolean', default: true, description: "combine the members' p_up (needs y.label)" },
  e_r: { type: 'boolean', default: false, description: "combine the members' E_r (every member must produce it; needs y.ret)" },
} as const

type OutputChoice = { p_up?: boolean; e_r?: boolean; quantiles?: boolean }

export abstract class EnsembleComponent<S extends EnsembleSpec> extends BaseComponent<S> {
  private layoutState: MemberLayout | undefined
  /** whether fit reads targets (voting does not) */
  protected readonly learnsFromTargets: boolean = true
  /** whether regime_prob_k columns are meta-features (voting refuses them) */
  protected readonly acceptsRegime: boolean = true

  constructor(spec: S, params: unknown, opts: ComponentOptions = {}) {
    super('ensemble', spec, params, opts)
    if (this.outputs.length === 0)
      throw new FactoryError('E_PARAM', `${this.label} combines nothing: p_up and e_r${'quantiles' in this.params ? ' and quantiles' : ''} are all false; set at least one to true`, {
        path: `${opts.paramPath ?? 'params'}.p_up`,
        value: false,
        valid: ['true'],
      })
  }

  protected override selectOutputs(): readonly OutputName[] {
    const p = this.params as OutputChoice
    const out: OutputName[] = []
    if (p.p_up) out.push('p_up')
    if (p.e_r) out.push('E_r')
    if (p.quantiles) out.push('q05', 'q50', 'q95')
    return out
  }

  /** this.outputs narrowed to model outputs (an ensemble never declares downstream ones) */
  protected get chosen(): OutputName[] {
    return this.outputs as OutputName[]
  }

  protected get layout(): MemberLayout {
    if (!this.layoutState) throw new FactoryError('E_NOT_FITTED', `${this.label} has no member layout; fit() or load() first`, {})
    return this.layoutState
  }

  /** Fit the combination on checked data (layout parsed, chosen outputs present for every member). */
  protected abstract fitCombiner(layout: MemberLayout, data: FitData, ctx: RunContext): JsonObject
  /** The chosen outputs for each row of x (same columns as at fit, already checked). */
  protected abstract combine(layout: MemberLayout, x: Tensor, ctx: RunContext): Outputs
  protected abstract combinerState(): PluginState
  protected abstract loadCombiner(state: JsonValue, arrays: Record<string, NumericArray>): void

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const layout = parseMemberColumns(data.names, this.label)
    for (const o of this.chosen) outputColumns(layout, o, this.label)
    if (layout.regime.length > 0 && !this.acceptsRegime)
      throw new FactoryError('E_CONFIG', `${this.label} does not use regime probabilities, but the input has ${layout.regime.length} regime_prob columns; drop ensemble.use_regime or choose stacking/blending`, {
        path: 'names',
        value: layout.regime.length,
      })
    this.checkRanges(data.x, layout, 'fit', data.names!)
    if (this.learnsFromTargets) this.checkTargets(data)
    const info = this.fitCombiner(layout, data, ctx)
    this.layoutState = layout
    return { members: [...layout.members], regimes: layout.regime.length, ...info }
  }

  protected predictImpl(x: Tensor, ctx: RunContext): Outputs {
    const layout = this.layout
    this.checkRanges(x, layout, 'predict')
    return this.combine(layout, x, ctx)
  }

  protected saveState(): PluginState {
    const { state, arrays } = this.combinerState()
    return { state: { layout: layoutToJson(this.layout), combiner: state }, arrays: arrays ?? {} }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { layout?: unknown; combiner?: JsonValue } | null
    const layout = layoutFromJson(s?.layout, this.label)
    this.loadCombiner(s?.combiner ?? null, arrays)
    this.layoutState = layout
  }

  /** p_up, quantile-free probabilities and regime probabilities must lie in [0, 1]. */
  private checkRanges(x: Tensor, layout: MemberLayout, action: string, names?: readonly string[]): void {
    const w = x.shape[1]
    const cols: number[] = [...layout.regime]
    for (const m of layout.members) {
      const c = layout.columns[m].p_up
      if (c !== undefined) cols.push(c)
    }
    const d = x.data
    const n = x.shape[0]
    for (const c of cols)
      for (let i = 0, o = c; i < n; i++, o += w) {
        const v = d[o]
        if (!(v >= 0 && v <= 1)) {
          const name = names?.[c] ?? this.columnName(layout, c)
          throw new FactoryError('E_VALIDATION', `${this.label} ${action}: column '${name}' is ${v} at row ${i}; probabilities must lie in [0, 1]`, { row: i, column: name, value: v, valid: ['0 … 1'] })
        }
      }
  }

  private columnName(layout: MemberLayout, c: number): string {
    const k = layout.regime.indexOf(c)
    if (k >= 0) return `regime_prob_${k}`
    for (const m of layout.members) for (const [o, col] of Object.entries(layout.columns[m])) if (col === c) return `${m}.${o}`
    return String(c)
  }

  private checkTargets(data: FitData): void {
    const n = data.x.shape[0]
    const need: [string, OutputName][] = []
    if (this.outputs.includes('p_up')) need.push(['label', 'p_up'])
    if (this.outputs.includes('E_r')) need.push(['ret', 'E_r'])
    for (const [t, o] of need)
      if (!data.y?.[t])
        throw new FactoryError('E_CONFIG', `${this.label} learns ${o} from y.${t}; got targets: ${Object.keys(data.y ?? {}).join(', ') || '(none)'}`, { path: `y.${t}`, valid: [t] })
    const label = this.outputs.includes('p_up') ? data.y!.label : undefined
    if (label) {
      let ones = 0
      for (let i = 0; i < n; i++) {
        const v = label[i]
        if (v !== 0 && v !== 1) throw new FactoryError('E_VALIDATION', `${this.label}: y.label is ${v} at row ${i}; it must be 0 or 1`, { path: 'y.label', row: i, value: v, valid: [0, 1] })
        ones += v
      }
      if (ones === 0 || ones === n)
        throw new FactoryError('E_VALIDATION', `${this.label}: y.label holds only class ${ones ? 1 : 0} in the ${n} rows; a meta-learner for p_up needs both 0 and 1`, { path: 'y.label', value: ones, valid: [0, 1] })
    }
    const w = data.weight
    if (w) {
      let total = 0
      for (let i = 0; i < n; i++) {
        if (w[i] < 0) throw new FactoryError('E_VALIDATION', `${this.label}: weight is ${w[i]} at row ${i}; sample weights must be ≥ 0`, { path: 'weight', row: i, value: w[i], valid: ['≥ 0'] })
        total += w[i]
      }
      if (!(total > 0)) throw new FactoryError('E_VALIDATION', `${this.label}: every sample weight is 0; at least one row must count`, { path: 'weight', value: total, valid: ['> 0'] })
    }
  }
}
