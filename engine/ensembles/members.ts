import { FactoryError } from '../contracts/errors.ts'
import { OUTPUT_NAMES } from '../contracts/outputs.ts'
import type { OutputName } from '../contracts/outputs.ts'

/**
 * THE ENSEMBLE INPUT LAYOUT — how the runner hands member outputs to an ensemble.
 *
 * x is (n, w): one row per bar the ensemble combines (bars where every member predicted, see
 * pipeline/runner/alignment.ts `commonRows`), one column per member output, named in
 * FitData.names as `<member>.<output>` (member = the base model's id, output ∈ OUTPUT_NAMES), in any
 * order; members may produce different outputs (heterogeneous members). When the ensemble uses
 * regimes, `regime_prob_0 … regime_prob_{K−1}` follow. Nothing else is accepted: a stray column is
 * a runner bug, and silently ignoring it would hide it.
 *
 * Members are ordered by the first appearance of their id among the names; that order fixes the
 * meaning of voting's weights and of the meta-learners' coefficients.
 */

export const REGIME_PREFIX = 'regime_prob_'

export interface MemberLayout {
  /** member ids in order of first appearance */
  members: string[]
  /** member id → output → column index in x */
  columns: Record<string, Partial<Record<OutputName, number>>>
  /** column index of regime_prob_k at position k */
  regime: number[]
}

const OUTPUTS: readonly string[] = OUTPUT_NAMES

export function parseMemberColumns(names: readonly string[] | undefined, who: string): MemberLayout {
  if (!names)
    throw new FactoryError('E_CONFIG', `${who} needs FitData.names to know which column is which member's output; name them '<member>.<output>' (e.g. 'lgbm.p_up') and 'regime_prob_<k>'`, {
      path: 'names',
      valid: ['<member>.<output>', `${REGIME_PREFIX}<k>`],
    })
  const members: string[] = []
  const columns: MemberLayout['columns'] = {}
  const regimeAt = new Map<number, number>()
  names.forEach((name, col) => {
    if (name.startsWith(REGIME_PREFIX)) {
      const k = Number(name.slice(REGIME_PREFIX.length))
      if (!Number.isSafeInteger(k) || k < 0 || String(k) !== name.slice(REGIME_PREFIX.length))
        throw new FactoryError('E_CONFIG', `${who}: column ${col} '${name}' is not a regime column; those are named ${REGIME_PREFIX}0, ${REGIME_PREFIX}1, …`, { path: `names[${col}]`, column: name, value: name })
      if (regimeAt.has(k)) throw new FactoryError('E_CONFIG', `${who}: column ${col} '${name}' appears twice (also column ${regimeAt.get(k)})`, { path: `names[${col}]`, column: name, value: name })
      regimeAt.set(k, col)
      return
    }
    const dot = name.lastIndexOf('.')
    const member = dot > 0 ? name.slice(0, dot) : ''
    const output = dot > 0 ? name.slice(dot + 1) : ''
    if (!member || !OUTPUTS.includes(output))
      throw new FactoryError(
        'E_CONFIG',
        `${who}: column ${col} is named '${name}'; ensemble inputs are named '<member>.<output>' with output one of ${OUTPUTS.join(', ')}, or ${REGIME_PREFIX}<k>`,
        { path: `names[${col}]`, column: name, value: name, valid: [...OUTPUTS] },
      )
    if (!columns[member]) {
      columns[member] = {}
      members.push(member)
    }
    const slot = columns[member]
    const o = output as OutputName
    if (slot[o] !== undefined) throw new FactoryError('E_CONFIG', `${who}: column ${col} '${name}' appears twice (also column ${slot[o]})`, { path: `names[${col}]`, column: name, value: name })
    slot[o] = col
  })
  const K = regimeAt.size
  const regime: number[] = []
  for (let k = 0; k < K; k++) {
    const c = regimeAt.get(k)
    if (c === undefined)
      throw new FactoryError('E_CONFIG', `${who}: regime columns must be ${REGIME_PREFIX}0 … ${REGIME_PREFIX}${K - 1}; ${REGIME_PREFIX}${k} is missing`, { path: 'names', value: `${REGIME_PREFIX}${k}` })
    regime.push(c)
  }
  if (members.length < 2)
    throw new FactoryError('E_CONFIG', `${who} combines members but the input holds ${members.length} (${members.join(', ') || 'none'}); an ensemble needs at least 2`, { path: 'names', value: members })
  return { members, columns, regime }
}

/** Column indices of `output` for every member, refusing a member that lacks it (naming what it has). */
export function outputColumns(layout: MemberLayout, output: OutputName, who: string): number[] {
  return layout.members.map((m) => {
    const c = layout.columns[m][output]
    if (c === undefined) {
      const has = Object.keys(layout.columns[m])
      throw new FactoryError('E_CONFIG', `${who} combines ${output} from every member; member '${m}' provides ${has.join(', ')}, not ${output}`, {
        path: 'names',
        value: m,
        valid: [`${m}.${output}`],
      })
    }
    return c
  })
}

/** Column `c` of row-major x as a fresh Float64Array. */
export function column(x: { data: ArrayLike<number>; shape: readonly number[] }, c: number): Float64Array {
  const [n, w] = x.shape
  const out = new Float64Array(n)
  const d = x.data
  for (let i = 0, o = c; i < n; i++, o += w) out[i] = d[o]
  return out
}

export function layoutToJson(l: MemberLayout): { members: string[]; columns: Record<string, Record<string, number>>; regime: number[] } {
  return { members: [...l.members], columns: JSON.parse(JSON.stringify(l.columns)) as Record<string, Record<string, number>>, regime: [...l.regime] }
}

export function layoutFromJson(v: unknown, who: string): MemberLayout {
  const s = v as Partial<MemberLayout> | null
  const ok =
    s !== null && typeof s === 'object' && Array.isArray(s.members) && s.members.every((m) => typeof m === 'string') &&
    typeof s.columns === 'object' && s.columns !== null && s.members.every((m) => typeof s.columns![m] === 'object') &&
    Array.isArray(s.regime) && s.regime.every((c) => Number.isSafeInteger(c))
  if (!ok) throw new FactoryError('E_CONFIG', `${who}: saved member layout is malformed (needs members, columns, regime)`, { path: 'state.layout' })
  return { members: [...s.members!], columns: JSON.parse(JSON.stringify(s.columns)) as MemberLayout['columns'], regime: [...s.regime!] }
}
