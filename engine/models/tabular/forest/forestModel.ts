import { FactoryError } from '../../../contracts/errors.ts'
import { defineParams } from '../../../contracts/params.ts'
import type { OutputName } from '../../../contracts/outputs.ts'
import type { ModelSpec } from '../../../contracts/specs.ts'
import type { ComponentOptions, FitData, JsonObject, JsonValue, NumericArray, Outputs, Tensor } from '../../../contracts/component.ts'
import { createRng } from '../../../data/rng.ts'
import { BaseComponent } from '../../../registry/component.ts'
import type { PluginState, RunContext } from '../../../registry/component.ts'
import { resolveMaxFeatures } from './bootstrap.ts'
import type { SplitterKind } from './cart.ts'
import { presortColumns, toColumns } from './columns.ts'
import { forestArrays, forestFromArrays, forestImportance, predictForest, treeCount } from './forest.ts'
import type { Forest } from './forest.ts'
import { trainForest } from './train.ts'

/**
 * The component behind random_forest and extra_trees (scikit-learn's RandomForestClassifier /
 * ExtraTreesClassifier, and their Regressor twins for E_r): the two differ only in the splitter
 * (best threshold vs one random threshold per feature) and the bootstrap default, so they share
 * this class and the parameter schema, and each registers its own spec.
 *
 * Heads: p_up = mean over trees of the leaf's weighted class-1 fraction (Gini trees on y.label);
 * E_r = mean over trees of the leaf's weighted mean (squared-error trees on y.ret). Each head
 * draws its trees' seeds from a stream of its own, so adding a head never changes another one.
 */

const OUTPUT_CHOICES = ['p_up', 'E_r', 'p_up+E_r'] as const
type Choice = (typeof OUTPUT_CHOICES)[number]
type HeadName = 'p_up' | 'E_r'
const HEAD_TARGET: Record<HeadName, 'label' | 'ret'> = { p_up: 'label', E_r: 'ret' }
const HEAD_SALT: Record<HeadName, number> = { p_up: 1, E_r: 2 }

export function headsOf(choice: Choice): HeadName[] {
  return choice.split('+') as HeadName[]
}

/**
 * scikit-learn's max_features takes 'sqrt', 'log2', an int count or a float fraction; params here
 * are typed (an int 1 and a float 1.0 are the same YAML number), so the kind is an enum and the
 * count and fraction have params of their own, each with its own range.
 */
export function forestParams(bootstrap: boolean) {
  return defineParams({
    outputs: { type: 'enum', choices: OUTPUT_CHOICES, default: 'p_up', description: 'heads to train: p_up (Gini trees on y.label), E_r (squared-error trees on y.ret), or both' },
    n_estimators: { type: 'int', default: 100, min: 1, max: 100_000, description: 'trees per head' },
    max_depth: { type: 'int', default: null, nullable: true, min: 1, description: 'most tree depth; null = grow until leaves are pure or min_samples_* stop them' },
    min_samples_split: { type: 'int', default: 2, min: 2, description: 'fewest rows a node needs to be split' },
    min_samples_leaf: { type: 'int', default: 1, min: 1, description: 'fewest rows on each side of a split' },
    max_features: { type: 'enum', choices: ['sqrt', 'log2', 'all', 'fraction', 'count'], default: 'sqrt', description: 'features tried per split: √f, log₂f, all, max_features_fraction·f, or max_features_count' },
    max_features_fraction: { type: 'number', default: 1, min: 0, max: 1, exclusiveMin: true, description: "used when max_features is 'fraction': max(1, ⌊fraction·f⌋) features per split" },
    max_features_count: { type: 'int', default: 1, min: 1, description: "used when max_features is 'count' (at most the number of features)" },
    bootstrap: { type: 'boolean', default: bootstrap, description: 'grow each tree on a bootstrap sample (rows drawn with replacement)' },
    max_samples: { type: 'number', default: null, nullable: true, min: 0, max: 1, exclusiveMin: true, description: 'with bootstrap: rows drawn per tree as a fraction of n; null = n' },
  })
}

export type ForestParamSchema = ReturnType<typeof forestParams>
export type ForestSpec = ModelSpec & { defaults: ForestParamSchema }

export function forestSpec(name: string, description: string, bootstrap: boolean): ForestSpec {
  return {
    name,
    description,
    family: 'tabular',
    inputView: 'feature_matrix',
    outputs: ['p_up', 'E_r'],
    needs: { normalization: 'any', minTrainRows: 2, sampleWeights: true },
    isCausal: true,
    zeroShot: false,
    defaults: forestParams(bootstrap),
  }
}

interface TrainedHead {
  output: HeadName
  forest: Forest
}

export class ForestModel extends BaseComponent<ForestSpec> {
  private readonly splitter: SplitterKind
  private readonly paramPath: string
  private trained: TrainedHead[] = []
  private numFeatures = 0

  constructor(splitter: SplitterKind, spec: ForestSpec, params: unknown, opts: ComponentOptions = {}) {
    super('model', spec, params, opts)
    this.splitter = splitter
    this.paramPath = opts.paramPath ?? 'params'
    if (this.params.max_samples !== null && !this.params.bootstrap)
      throw new FactoryError('E_PARAM', `${this.label}: max_samples ${this.params.max_samples} needs bootstrap: true (without bootstrap every tree sees all rows); set max_samples: null or bootstrap: true`, {
        path: `${this.paramPath}.max_samples`,
        value: this.params.max_samples,
        valid: ['null'],
      })
  }

  protected override selectOutputs(): readonly OutputName[] {
    return headsOf(this.params.outputs)
  }

  private target(data: FitData, head: HeadName): Float64Array {
    const name = HEAD_TARGET[head]
    const t = data.y?.[name]
    if (!t)
      throw new FactoryError('E_CONFIG', `${this.label} head '${head}' trains on y.${name}, which fit() did not receive; given: ${Object.keys(data.y ?? {}).join(', ') || '(none)'}`, {
        path: `y.${name}`,
        valid: Object.keys(data.y ?? {}),
      })
    if (head === 'p_up')
      for (let i = 0; i < t.length; i++)
        if (t[i] !== 0 && t[i] !== 1) throw new FactoryError('E_CONFIG', `${this.label} head 'p_up' needs y.label in {0, 1}; row ${i} has ${t[i]}`, { path: 'y.label', row: i, value: t[i], valid: [0, 1] })
    return t
  }

  private checkWeights(w: Float64Array | undefined): void {
    if (!w) return
    let sum = 0
    for (let i = 0; i < w.length; i++) {
      if (w[i] < 0) throw new FactoryError('E_CONFIG', `${this.label} needs sample weights ≥ 0; row ${i} has ${w[i]}`, { path: 'weight', row: i, value: w[i] })
      sum += w[i]
    }
    if (!(sum > 0)) throw new FactoryError('E_CONFIG', `${this.label} got sample weights that are all 0; at least one row must weigh > 0`, { path: 'weight', value: 0 })
  }

  protected fitImpl(data: FitData, ctx: RunContext): JsonObject {
    const [n, f] = data.x.shape
    const p = this.params
    const heads = headsOf(p.outputs)
    const targets = heads.map((h) => this.target(data, h))
    this.checkWeights(data.weight)
    const mtry = resolveMaxFeatures(f, p.max_features, p.max_features_fraction, p.max_features_count)
    if (typeof mtry === 'string') throw new FactoryError('E_PARAM', `${this.label}: ${mtry}`, { path: `${this.paramPath}.max_features_count`, value: p.max_features_count, valid: [1, f] })
    const headSeed = ctx.rng.int(0x7fffffff)
    const m = toColumns(data.x.data, n, f)
    const order = this.splitter === 'best' ? presortColumns(m) : undefined
    const total = heads.length * p.n_estimators
    const trained: TrainedHead[] = []
    const info: JsonObject = { max_features: mtry }
    heads.forEach((head, h) => {
      const t0 = performance.now()
      const forest = trainForest(
        m,
        targets[h],
        data.weight,
        {
          splitter: this.splitter,
          maxDepth: p.max_depth ?? Infinity,
          minSamplesSplit: p.min_samples_split,
          minSamplesLeaf: p.min_samples_leaf,
          maxFeatures: mtry,
          nEstimators: p.n_estimators,
          bootstrap: p.bootstrap,
          maxSamples: p.max_samples,
        },
        createRng((headSeed ^ Math.imul(0x9e3779b9, HEAD_SALT[head])) >>> 0),
        order,
        (t) => ctx.progress((h * p.n_estimators + t) / total, { epoch: t, message: head }),
      )
      trained.push({ output: head, forest })
      info[head] = { trees: treeCount(forest), nodes: forest.feature.length, seconds: (performance.now() - t0) / 1000 }
    })
    // the last tree was grown after the last progress report: honour a cancel that came meanwhile
    ctx.throwIfAborted()
    this.trained = trained
    this.numFeatures = f
    return info
  }

  protected predictImpl(x: Tensor): Outputs {
    const [n, f] = x.shape
    const out: Outputs = {}
    for (const { output, forest } of this.trained) out[output] = predictForest(forest, x.data, n, f)
    return out
  }

  /** scikit-learn's feature_importances_ (mean decrease in impurity, sums to 1) for one head. */
  importance(output: HeadName = this.outputs[0] as HeadName): Float64Array {
    const h = this.trained.find((t) => t.output === output)
    if (!h)
      throw new FactoryError('E_NOT_FITTED', `${this.label} has no trained head '${output}'; trained: ${this.trained.map((t) => t.output).join(', ') || '(none, fit first)'}`, {
        value: output,
        valid: this.trained.map((t) => t.output),
      })
    return forestImportance(h.forest, this.numFeatures)
  }

  protected saveState(): PluginState {
    const arrays: Record<string, NumericArray> = {}
    for (const t of this.trained) Object.assign(arrays, forestArrays(t.forest, `${t.output}.`))
    return { state: { numFeatures: this.numFeatures, heads: this.trained.map((t) => t.output) }, arrays }
  }

  protected loadState(state: JsonValue, arrays: Record<string, NumericArray>): void {
    const s = state as { numFeatures: number; heads: HeadName[] }
    const want = headsOf(this.params.outputs)
    if (!s || !Array.isArray(s.heads) || want.join() !== s.heads.join())
      throw new FactoryError('E_CONFIG', `${this.label} saved heads ${s?.heads?.join(', ') ?? '(none)'} do not match its params' heads ${want.join(', ')}`, { value: s?.heads, valid: want })
    this.trained = s.heads.map((h) => ({ output: h, forest: forestFromArrays(arrays, `${h}.`, s.numFeatures) }))
    this.numFeatures = s.numFeatures
  }
}
