import { FactoryError } from '../contracts/errors.ts'
import type { EnsembleSpec } from '../contracts/specs.ts'
import type { ComponentOptions, FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../contracts/component.ts'
import type { PluginState, RunContext } from '../registry/component.ts'
import { EnsembleComponent, OUTPUT_CHOICE_PARAMS } from './ensembleComponent.ts'
import { column, outputColumns } from './members.ts'
import type { MemberLayout } from './members.ts'
import {
  checkLearner, fitMetaModel, metaModelFromJson, metaModelToJson, predictMetaModel, transformsFor, unsupportedHead,
} from './metaLearners/index.ts'
import type { MetaHead, MetaModel, MetaParams } from './metaLearners/index.ts'

/**
 * The learnt combination shared by stacking and blending: one meta-model per chosen head (p_up,
 * E_r), each a linear combiner (metaLearners/metaModel.ts) of the members' values of that output,
 * plus the regime probabilities when the input has regime_prob columns (use_regime). The two
 * ensembles differ in WHICH rows the runner fits them on (stacking: every out-of-fold row, with
 * its own nested OOF from stackingOof; blending: a purged holdout span, blendingSplit), not in
 * how they fit.
 *
 * Regime probabilities enter additively (a per-regime intercept shift); with K columns summing to
 * 1 they are collinear with the intercept, which the L2 part of every learner resolves (l1_ratio 1
 * may pick any one of the equivalent solutions).
 */

export const META_PARAMS = {
  meta_learner: { type: 'enum', choices: ['logistic', 'ridge', 'elastic_net'], default: 'logistic', description: 'logistic (p_up only), ridge or elastic_net; see engine/ensembles/README.md' },
  c: { type: 'number', default: 1, min: 0, exclusiveMin: true, log: true, description: "logistic: inverse L2 strength (scikit-learn C) on raw member logits" },
  alpha: { type: 'number', default: 0.01, min: 0, log: true, description: 'ridge: penalty on Σ squared residuals; elastic_net: penalty on the mean loss (scikit-learn meanings), with features and target in units of the target std' },
  l1_ratio: { type: 'number', default: 0.5, min: 0, max: 1, description: 'elastic_net: share of L1 in the penalty (1 = lasso, 0 = ridge-like)' },
  max_iter: { type: 'int', default: 500, min: 1, max: 1_000_000, description: 'most solver iterations (Newton / proximal-Newton steps; coordinate sweeps ×200 for E_r elastic net)' },
  tol: { type: 'number', default: 1e-10, min: 0, exclusiveMin: true, log: true, description: 'stop when the optimality residual is ≤ tol' },
  ...OUTPUT_CHOICE_PARAMS,
} as const

type MetaParamValues = { meta_learner: string; c: number; alpha: number; l1_ratio: number; max_iter: number; tol: number }

export class MetaEnsemble<S extends EnsembleSpec> extends EnsembleComponent<S> {
  private models: MetaModel[] = []

  constructor(spec: S, params: unknown, opts: ComponentOptions = {}) {
    super(spec, params, opts)
    const p = this.params as unknown as MetaParamValues
    const learner = checkLearner(p.meta_learner, `${opts.paramPath ?? 'params'}.meta_learner`)
    for (const head of this.outputs as MetaHead[]) {
      const why = unsupportedHead(learner, head)
      if (why) throw new FactoryError('E_PARAM', `${this.label}: ${why}, or set e_r: false`, { path: `${opts.paramPath ?? 'params'}.meta_learner`, value: learner, valid: ['ridge', 'elastic_net'] })
    }
  }

  private metaParams(): MetaParams {
    const p = this.params as unknown as MetaParamValues
    const learner = checkLearner(p.meta_learner, 'params.meta_learner')
    // coordinate sweeps are ~f² each, so the E_r elastic net gets many more than Newton's steps
    return { learner, alpha: p.alpha, c: p.c, l1Ratio: p.l1_ratio, maxIter: p.max_iter, tol: p.tol }
  }

  /** Raw meta-feature columns of one head: the members' values of that output, then the regimes. */
  private headColumns(layout: MemberLayout, head: MetaHead, x: Tensor): { cols: Float64Array[]; isMemberP: boolean[] } {
    const member = outputColumns(layout, head, this.label)
    const cols = [...member, ...layout.regime].map((c) => column(x, c))
    return { cols, isMemberP: [...member.map(() => head === 'p_up'), ...layout.regime.map(() => false)] }
  }

  protected fitCombiner(layout: MemberLayout, data: FitData, ctx: RunContext): JsonObject {
    const p = this.metaParams()
    const heads = this.outputs as MetaHead[]
    const models: MetaModel[] = []
    const info: JsonObject = {}
    heads.forEach((head, h) => {
      ctx.progress(h / heads.length, { message: `meta-learner ${p.learner} for ${head}` })
      const { cols, isMemberP } = this.headColumns(layout, head, data.x)
      const y = head === 'p_up' ? data.y!.label : data.y!.ret
      const maxIter = head === 'E_r' && p.learner === 'elastic_net' ? p.maxIter * 200 : p.maxIter
      const fit = fitMetaModel(head, cols, transformsFor(head, p.learner, isMemberP), y, { ...p, maxIter }, {
        ...(data.weight ? { weight: data.weight } : {}),
        onIteration: (it) => {
          if (it % 16 === 0) ctx.throwIfAborted()
        },
      })
      models.push(fit.model)
      info[head] = fit.info
    })
    ctx.throwIfAborted()
    this.models = models
    return { meta_learner: p.learner, ...info }
  }

  protected combine(layout: MemberLayout, x: Tensor): Outputs {
    const out: Outputs = {}
    for (const m of this.models) out[m.head] = predictMetaModel(m, this.headColumns(layout, m.head, x).cols)
    return out
  }

  protected combinerState(): PluginState {
    const arrays: Record<string, Float64Array> = {}
    const heads = this.models.map((m) => {
      const { state, array } = metaModelToJson(m)
      arrays[m.head] = array
      return state
    })
    return { state: { heads }, arrays }
  }

  protected loadCombiner(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const heads = (state as { heads?: unknown } | null)?.heads
    if (!Array.isArray(heads)) throw new FactoryError('E_CONFIG', `${this.label}: saved state has no meta-model heads`, { path: 'state.combiner.heads' })
    const models = heads.map((h, k) => metaModelFromJson(h, arrays[(h as { head?: string }).head ?? ''], `${this.label} head ${k}`))
    const want = [...this.outputs].sort().join(',')
    const got = models.map((m) => m.head).sort().join(',')
    if (want !== got) throw new FactoryError('E_CONFIG', `${this.label}: saved meta-models are for ${got} but this configuration produces ${want}`, { value: got, valid: [want] })
    this.models = models
  }
}
