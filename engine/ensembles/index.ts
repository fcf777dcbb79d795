// Every ensemble file, imported once so that it registers itself in ensembleRegistry (the YAML
// schema, the palette, `factory list` and the ensemble conformance battery follow).
import './voting.ts'
import './stacking.ts'
import './blending.ts'

export { blendingSplit } from './blending.ts'
export type { BlendingSplit } from './blending.ts'
export { finalMetaRows, gatherRows, nestedMetaRows, stackingOof, targetsFor, usableMetaRows } from './stackingOof.ts'
export type { MetaFeatures, NestedFold, NestedOofOptions, NestedOofResult, OofFoldSpan } from './stackingOof.ts'
export { parseMemberColumns, REGIME_PREFIX } from './members.ts'
export type { MemberLayout } from './members.ts'
