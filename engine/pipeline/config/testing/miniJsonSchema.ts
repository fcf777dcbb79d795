/**
 * A small draft-07 checker for tests: enough keywords to prove the editor schema accepts the
 * presets and rejects what the engine rejects (type, enum, const, properties, required,
 * additionalProperties, items, bounds, min/maxItems, minLength, pattern, anyOf, oneOf, allOf,
 * if/then, $ref to #/definitions). Returns "path: problem" strings; empty = valid.
 */
type S = Record<string, unknown>

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v)
    case 'array': return Array.isArray(v)
    case 'string': return typeof v === 'string'
    case 'number': return typeof v === 'number' && Number.isFinite(v)
    case 'integer': return typeof v === 'number' && Number.isInteger(v)
    case 'boolean': return typeof v === 'boolean'
    case 'null': return v === null
    default: throw new Error(`checker does not know type ${t}`)
  }
}

export function checkJsonSchema(schema: S, value: unknown, root: S = schema, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/definitions/', '')
    const def = (root.definitions as Record<string, S>)[name]
    if (!def) return [`${at}: unresolved $ref ${schema.$ref}`]
    return checkJsonSchema(def, value, root, at)
  }
  const out: string[] = []
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]
    if (!types.some((t) => typeOk(t, value))) return [`${at}: expected ${types.join('|')}, got ${JSON.stringify(value)}`]
  }
  if (schema.enum && !(schema.enum as unknown[]).some((e) => e === value)) out.push(`${at}: ${JSON.stringify(value)} not in enum`)
  if ('const' in schema && schema.const !== value) out.push(`${at}: expected ${JSON.stringify(schema.const)}`)
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${at}: below minimum`)
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${at}: above maximum`)
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) out.push(`${at}: not above exclusiveMinimum`)
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) out.push(`${at}: not below exclusiveMaximum`)
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) out.push(`${at}: too short`)
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) out.push(`${at}: does not match ${schema.pattern}`)
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) out.push(`${at}: fewer than ${schema.minItems} items`)
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) out.push(`${at}: more than ${schema.maxItems} items`)
    if (schema.items) value.forEach((v, i) => out.push(...checkJsonSchema(schema.items as S, v, root, `${at}[${i}]`)))
  }
  if (typeOk('object', value)) {
    const obj = value as Record<string, unknown>
    const props = (schema.properties ?? {}) as Record<string, S>
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${at}: missing required ${r}`)
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) out.push(...checkJsonSchema(props[k], v, root, `${at}.${k}`))
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: additional property not allowed`)
    }
  }
  if (schema.anyOf && !(schema.anyOf as S[]).some((s) => checkJsonSchema(s, value, root, at).length === 0)) out.push(`${at}: matches none of anyOf`)
  if (schema.oneOf && (schema.oneOf as S[]).filter((s) => checkJsonSchema(s, value, root, at).length === 0).length !== 1) out.push(`${at}: must match exactly one of oneOf`)
  for (const s of (schema.allOf ?? []) as S[]) out.push(...checkJsonSchema(s, value, root, at))
  if (schema.if && schema.then && checkJsonSchema(schema.if as S, value, root, at).length === 0) out.push(...checkJsonSchema(schema.then as S, value, root, at))
  return out
}
