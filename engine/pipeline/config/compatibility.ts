import type { AnyOutputName } from '../../contracts/outputs.ts'
import type { EnsembleSpec, ModelSpec } from '../../contracts/specs.ts'
import { resolveInstrument, type CustomInstrumentConfig } from '../../data/calendar/instruments.ts'
import { validateLabelConfig } from '../../data/labels/labelConfig.ts'
import { DEFAULT_EMBARGO, DEFAULT_PURGE } from '../../data/splits/spec.ts'
import type { SpecCatalog } from './catalog.ts'
import { findSpec, registryCatalog } from './catalog.ts'
import type { ConfigIssue, PipelineConfig } from './types.ts'

/**
 * Refuses pipelines whose parts do not fit, before anything trains. It reads only what specs
 * declare (inputView, outputs, needs, requiresOof, supportsHeterogeneous, inputs, gatingMethod …),
 * never the implementations, so it judges components that land later the same way. Each issue is
 * located at the node that cannot be satisfied and names the missing piece.
 *
 * Output flow: every base model's outputs, then the ensemble's (and its gate's), are available
 * downstream; calibrators run in order and add theirs; then uncertainty; then the policy.
 */

type Path = (string | number)[]
type Spec = ModelSpec

function issue(path: Path, message: string, valid?: (string | number)[], value?: unknown): ConfigIssue {
  return { path, message, stage: 'compatibility', ...(valid ? { valid } : {}), ...(value !== undefined ? { value } : {}) }
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '(none)')

function producersOf(catalog: SpecCatalog, missing: readonly AnyOutputName[]): string {
  const models = catalog.models.filter((s) => missing.every((o) => (s.outputs as readonly string[]).includes(o))).map((s) => s.name)
  return models.length ? `registered models producing ${missing.join(' and ')}: ${models.join(', ')}` : `no registered model produces ${missing.join(' and ')} yet`
}

/** Every registered component that outputs one of `missing`, for "add one of these" hints. */
function suppliersOf(catalog: SpecCatalog, missing: readonly AnyOutputName[]): string {
  const all = [...catalog.models, ...catalog.ensembles, ...catalog.inference] as { name: string; outputs: readonly string[] }[]
  const names = all.filter((s) => missing.some((o) => s.outputs.includes(o))).map((s) => s.name)
  return names.length ? `registered components producing ${missing.join(' or ')}: ${names.join(', ')}` : `nothing registered produces ${missing.join(' or ')} yet`
}

function checkBaseModels(c: PipelineConfig, models: (Spec | undefined)[], out: ConfigIssue[]): void {
  const seen = new Map<string, number>()
  c.base_models.forEach((m, i) => {
    const node = `base_models[${i}] (${m.name})`
    const prev = seen.get(m.id)
    if (prev !== undefined) out.push(issue(['base_models', i, 'id'], `duplicate id '${m.id}' (also base_models[${prev}]); ids name each model's predictions and artifacts, so they must be unique`, undefined, m.id))
    else seen.set(m.id, i)
    const spec = models[i]
    if (!spec) return
    const windowed = spec.inputView !== 'feature_matrix'
    if (windowed && m.lookback === undefined && spec.needs.lookback === undefined)
      out.push(issue(['base_models', i, 'lookback'], `${node} reads the ${spec.inputView} view and needs a lookback (window length in bars); neither base_models[${i}].lookback nor the spec's needs.lookback gives one`))
    if (!windowed && m.lookback !== undefined)
      out.push(issue(['base_models', i, 'lookback'], `${node} reads the feature_matrix view (one row per bar) and takes no lookback; remove it`, undefined, m.lookback))
    if (m.use_regime && c.regime === false)
      out.push(issue(['base_models', i, 'use_regime'], `${node} asks for regime features but regime is false; enable the regime block or drop use_regime`))
    if (spec.needsGpu && c.device === 'cpu')
      out.push(issue(['base_models', i, 'name'], `${node} needs a GPU but device is 'cpu'; set device to auto or gpu, or choose another model`, ['auto', 'gpu']))
  })
}

/** Members must give what a combiner reads, and be alike unless it accepts a mix. */
function checkMembers(c: PipelineConfig, models: (Spec | undefined)[], comb: EnsembleSpec, path: Path, out: ConfigIssue[]): void {
  const what = `${path[path.length - 2] === 'gating' ? 'gate' : 'ensemble'} '${comb.name}'`
  c.base_models.forEach((m, i) => {
    const spec = models[i]
    if (!spec) return
    const missing = comb.inputs.filter((o) => !(spec.outputs as readonly string[]).includes(o))
    if (missing.length)
      out.push(issue(['base_models', i, 'name'], `${what} combines ${comb.inputs.join(', ')} from every member; base_models[${i}] (${m.name}) produces ${list(spec.outputs)}, not ${missing.join(', ')}`))
  })
  if (!comb.supportsHeterogeneous) {
    const kinds = new Map<string, string>()
    c.base_models.forEach((m, i) => {
      const s = models[i]
      if (s) kinds.set(`${s.family}/${s.inputView}`, `${m.id} (${s.family}, ${s.inputView})`)
    })
    if (kinds.size > 1)
      out.push(issue(path, `${what} does not accept heterogeneous members (supportsHeterogeneous: false), but the base models mix ${[...kinds.values()].join(' and ')}; choose an ensemble that does, or members of one kind`))
  }
  if (comb.gatingMethod?.startsWith('regime') && c.regime === false)
    out.push(issue(path, `${what} gates by regime (gatingMethod ${comb.gatingMethod}) but regime is false; enable the regime block`))
}

function checkEnsemble(c: PipelineConfig, catalog: SpecCatalog, models: (Spec | undefined)[], out: ConfigIssue[]): AnyOutputName[] {
  const e = c.ensemble
  const spec = e ? findSpec(catalog.ensembles, e.name) : undefined
  if (!e || !spec) return []
  const n = c.base_models.length
  if (n < 2) out.push(issue(['ensemble', 'name'], `ensemble '${e.name}' combines base models but there is only ${n} (${c.base_models.map((m) => m.id).join(', ')}); add a base model or remove the ensemble`, undefined, e.name))
  const learns = spec.requiresOof || spec.method === 'stacking' || spec.method === 'blending'
  if (spec.requiresOof && c.splits.method === 'cpcv')
    out.push(issue(['splits', 'method'], `ensemble '${e.name}' trains on one out-of-fold prediction per bar (requiresOof), but CPCV predicts each bar in several splits; use splits.method walk_forward`, ['walk_forward'], 'cpcv'))
  if (e.meta_learner && !learns)
    out.push(issue(['ensemble', 'meta_learner'], `ensemble '${e.name}' (method ${spec.method}) learns no combination, so it takes no meta_learner; remove it or choose a stacking/blending ensemble`))
  const metaName = e.meta_learner?.name ?? spec.metaLearner
  const meta = learns && metaName !== undefined ? findSpec(catalog.models, metaName) : undefined
  const metaPath: Path = e.meta_learner ? ['ensemble', 'meta_learner', 'name'] : ['ensemble', 'name']
  if (learns && metaName !== undefined && !meta)
    out.push(issue(metaPath, `ensemble '${e.name}' declares meta-learner '${metaName}', which is not a registered model; known: ${list(catalog.models.map((s) => s.name))}`, catalog.models.map((s) => s.name)))
  if (meta) {
    if (meta.inputView !== 'feature_matrix')
      out.push(issue(metaPath, `meta-learner '${meta.name}' reads ${meta.inputView}, but a meta-learner sees one row of member outputs per bar (feature_matrix)`))
    if (!spec.outputs.some((o) => meta.outputs.includes(o)))
      out.push(issue(metaPath, `meta-learner '${meta.name}' produces ${list(meta.outputs)}, none of the ensemble's outputs (${spec.outputs.join(', ')})`))
  }
  if (e.use_regime && c.regime === false)
    out.push(issue(['ensemble', 'use_regime'], `ensemble '${e.name}' asks for regime meta-features but regime is false; enable the regime block or drop use_regime`))
  checkMembers(c, models, spec, ['ensemble', 'name'], out)
  const gate = e.gating ? findSpec(catalog.ensembles, e.gating.name) : undefined
  if (gate) checkMembers(c, models, gate, ['ensemble', 'gating', 'name'], out)
  return [...spec.outputs, ...(gate ? gate.outputs : [])]
}

function checkLabelReach(c: PipelineConfig, out: ConfigIssue[]): void {
  let inst = { defaultCostTicks: 0, symbol: '?' }
  try {
    inst = resolveInstrument(c.data.instrument, c.data.custom_instrument as CustomInstrumentConfig | undefined)
  } catch {
    /* the schema reports instruments */
  }
  let labels
  try {
    labels = validateLabelConfig(c.labels, 'labels', inst)
  } catch {
    return // the schema reports label values
  }
  const purge = c.splits.purge ?? DEFAULT_PURGE
  const embargo = c.splits.embargo ?? DEFAULT_EMBARGO
  const searched = labels.optimise.enabled
  const reach = searched ? labels.optimise.bounds.horizon[1] : labels.horizon
  // The last fold-test bar is D − 1 and the final test starts at D + purge + embargo (splits/spec.ts
  // rules 1–3): its label reads bars up to D − 1 + horizon, which stays out of the final test span
  // exactly when horizon ≤ purge + embargo.
  if (reach > purge + embargo) {
    const path: Path = searched ? ['labels', 'optimise', 'bounds', 'horizon'] : ['labels', 'horizon']
    const what = searched ? `the label search may pick a horizon of up to ${reach} bars,` : `a horizon of ${reach} bars is`
    out.push(issue(path, `${what} more than splits.purge + splits.embargo = ${purge} + ${embargo} = ${purge + embargo}: the labels of the last fold's test bars would read bars of the final test span; raise splits.embargo to at least ${reach - purge} or shorten the horizon`, [`≤ ${purge + embargo}`], reach))
  }
}

export function compatibilityIssues(c: PipelineConfig, catalog: SpecCatalog = registryCatalog()): ConfigIssue[] {
  const out: ConfigIssue[] = []
  const models = c.base_models.map((m) => findSpec(catalog.models, m.name))
  checkBaseModels(c, models, out)
  const available = new Set<AnyOutputName>(models.flatMap((s) => (s ? [...s.outputs] : [])))
  for (const o of checkEnsemble(c, catalog, models, out)) available.add(o)

  const upstream = () => list([...available].sort())
  c.inference?.calibrate.forEach((cal, k) => {
    const spec = findSpec(catalog.inference, cal.name)
    if (!spec) return
    const missing = spec.inputs.filter((o) => !available.has(o))
    if (missing.length) out.push(issue(['inference', 'calibrate', k, 'name'], `calibrator '${cal.name}' needs ${missing.join(', ')} upstream; the pipeline before it produces ${upstream()} (${producersOf(catalog, missing)})`))
    for (const o of spec.outputs) available.add(o)
  })
  const unc = c.inference?.uncertainty
  const uspec = unc ? findSpec(catalog.inference, unc.name) : undefined
  if (unc && uspec) {
    const missing = uspec.inputs.filter((o) => !available.has(o))
    if (missing.length) out.push(issue(['inference', 'uncertainty', 'name'], `uncertainty method '${unc.name}' needs ${uspec.inputs.join(' and ')} from a base model or the ensemble; the pipeline produces ${upstream()}, not ${missing.join(', ')} (${producersOf(catalog, missing)})`))
    for (const o of uspec.outputs) available.add(o)
  }
  const pspec = c.policy ? findSpec(catalog.policies, c.policy.name) : undefined
  if (c.policy && pspec) {
    const missing = pspec.inputs.filter((o) => !available.has(o))
    if (missing.length) out.push(issue(['policy', 'name'], `policy '${c.policy.name}' needs ${missing.join(', ')} upstream; the pipeline produces ${upstream()} (${suppliersOf(catalog, missing)})`))
  }
  checkLabelReach(c, out)
  return out
}
