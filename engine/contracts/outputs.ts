/**
 * The closed sets of names that flow between pipeline stages. Specs, the config validator, the
 * composer palette and the store all speak these names, so a typo is a compile error in code and
 * a located "unknown output 'p-up'; known: …" error in YAML.
 */

/** What base models and ensembles produce. */
export const OUTPUT_NAMES = ['p_up', 'E_r', 'q05', 'q50', 'q95', 'regime_score'] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]

/** What inference (uncertainty) and policy stages add downstream of the models. */
export const DOWNSTREAM_OUTPUT_NAMES = ['uncertainty', 'position_size', 'entry_threshold', 'exit_threshold'] as const
export type DownstreamOutputName = (typeof DOWNSTREAM_OUTPUT_NAMES)[number]

/** Every name a stage may declare as an input or output. */
export const ALL_OUTPUT_NAMES = [...OUTPUT_NAMES, ...DOWNSTREAM_OUTPUT_NAMES] as const
export type AnyOutputName = (typeof ALL_OUTPUT_NAMES)[number]

/** The shapes a model can ask the data stage for (DESIGN.md "Data flow"). */
export const VIEW_NAMES = ['feature_matrix', 'window_tensor', 'mtf_bundle'] as const
export type ViewName = (typeof VIEW_NAMES)[number]

/**
 * Value range of each output, for the conformance battery and the UI's axes. `null` = unbounded.
 * q05/q50/q95 are quantiles of the forward return, so they share E_r's units.
 */
export const OUTPUT_RANGES: { readonly [K in AnyOutputName]: readonly [number | null, number | null] } = {
  p_up: [0, 1],
  E_r: [null, null],
  q05: [null, null],
  q50: [null, null],
  q95: [null, null],
  regime_score: [0, 1],
  uncertainty: [0, null],
  position_size: [-1, 1],
  entry_threshold: [0, 1],
  exit_threshold: [0, 1],
}

const OUTPUT_SET: ReadonlySet<string> = new Set(ALL_OUTPUT_NAMES)
const VIEW_SET: ReadonlySet<string> = new Set(VIEW_NAMES)

export function isOutputName(s: unknown): s is AnyOutputName {
  return typeof s === 'string' && OUTPUT_SET.has(s)
}

export function isViewName(s: unknown): s is ViewName {
  return typeof s === 'string' && VIEW_SET.has(s)
}
