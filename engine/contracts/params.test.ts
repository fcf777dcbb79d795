import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from './errors.ts'
import { defaultParams, defineParams, describeParam, listParams, paramIssues, paramsJsonSchema, schemaProblems, validateParams } from './params.ts'

const schema = defineParams({
  learning_rate: { type: 'number', default: 0.1, min: 0, exclusiveMin: true, max: 1, log: true, description: 'shrinkage' },
  num_leaves: { type: 'int', default: 31, min: 2, max: 4096 },
  max_depth: { type: 'int', default: null, min: 1, nullable: true },
  objective: { type: 'enum', choices: ['binary', 'l2', 'quantile'], default: 'binary' },
  early_stop: { type: 'boolean', default: true },
  alphas: { type: 'number_array', default: [0.05, 0.5, 0.95], min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, minItems: 1 },
})

function paramError(fn: () => unknown): FactoryError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof FactoryError)
    assert.equal(e.code, 'E_PARAM')
    return e
  }
  assert.fail('expected E_PARAM')
}

test('validateParams fills defaults and keeps given values', () => {
  const p = validateParams(schema, { num_leaves: 63, objective: 'quantile', max_depth: null })
  assert.deepEqual(p, { learning_rate: 0.1, num_leaves: 63, max_depth: null, objective: 'quantile', early_stop: true, alphas: [0.05, 0.5, 0.95] })
  // a caller mutating its params must not change the schema's default
  p.alphas.push(0.7)
  assert.deepEqual(defaultParams(schema).alphas, [0.05, 0.5, 0.95])
  assert.deepEqual(validateParams(schema, undefined), defaultParams(schema))
})

test('errors name the config path, the bad value and the valid range or choices', () => {
  const e1 = paramError(() => validateParams(schema, { learning_rate: 0 }, 'base_models[0].params'))
  assert.equal(e1.details.path, 'base_models[0].params.learning_rate')
  assert.equal(e1.details.value, 0)
  assert.match(e1.message, /base_models\[0\]\.params\.learning_rate: 0 is below the minimum; valid: number with 0 < value ≤ 1/)

  const e2 = paramError(() => validateParams(schema, { objective: 'gini' }))
  assert.deepEqual(e2.details.valid, ['binary', 'l2', 'quantile'])
  assert.match(e2.message, /'gini' is not a valid choice; valid: binary, l2, quantile/)

  const e3 = paramError(() => validateParams(schema, { num_leaves: 3.5 }))
  assert.match(e3.message, /3\.5 is not an integer; valid: integer with 2 ≤ value ≤ 4096/)

  const e4 = paramError(() => validateParams(schema, { num_leavs: 3 }))
  assert.match(e4.message, /unknown parameter 'num_leavs'; known: learning_rate, num_leaves/)

  const e5 = paramError(() => validateParams(schema, { alphas: [0.1, 1] }))
  assert.equal(e5.details.path, 'params.alphas[1]')

  // no coercion: a string that looks like a number is still refused
  paramError(() => validateParams(schema, { num_leaves: '31' }))
  paramError(() => validateParams(schema, { learning_rate: Number.NaN }))
  paramError(() => validateParams(schema, { num_leaves: null }))
  paramError(() => validateParams(schema, [1, 2]))
})

test('every issue is collected; the thrown error counts the rest', () => {
  const issues = paramIssues(schema, { num_leaves: 1, objective: 3, early_stop: 'yes' })
  assert.deepEqual(issues.map((i) => i.path), ['params.num_leaves', 'params.objective', 'params.early_stop'])
  const e = paramError(() => validateParams(schema, { num_leaves: 1, objective: 3 }))
  assert.match(e.message, /\(and 1 more\)$/)
})

test('JSON Schema export mirrors types, bounds, enums and defaults', () => {
  const js = paramsJsonSchema(schema) as { properties: Record<string, Record<string, unknown>>; additionalProperties: boolean }
  assert.equal(js.additionalProperties, false)
  assert.deepEqual(js.properties.learning_rate, { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'shrinkage', default: 0.1 })
  assert.deepEqual(js.properties.max_depth, { type: ['integer', 'null'], minimum: 1, default: null })
  assert.deepEqual(js.properties.objective, { type: 'string', enum: ['binary', 'l2', 'quantile'], default: 'binary' })
  assert.deepEqual(js.properties.alphas, {
    type: 'array',
    items: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    minItems: 1,
    default: [0.05, 0.5, 0.95],
  })
})

test('listParams gives JSON form fields in declaration order', () => {
  const fields = listParams(schema)
  assert.deepEqual(fields.map((f) => f.name), Object.keys(schema))
  assert.equal(fields[0].summary, 'number with 0 < value ≤ 1, default 0.1')
  assert.equal(describeParam(schema.objective), 'one of binary | l2 | quantile, default "binary"')
  assert.deepEqual(JSON.parse(JSON.stringify(fields)), fields)
})

test('schemaProblems catches plug-in mistakes in the schema itself', () => {
  assert.deepEqual(schemaProblems(schema), [])
  const bad = schemaProblems({
    LR: { type: 'number', default: 0.1 },
    depth: { type: 'int', default: 0, min: 1 },
    pick: { type: 'enum', choices: [], default: 'a' },
    span: { type: 'number', default: 1, min: 5, max: 2 },
  })
  assert.equal(bad.length, 6)
  assert.match(bad.join('\n'), /'LR' is not lower_snake_case/)
  assert.match(bad.join('\n'), /default of 'depth': 0 is below the minimum/)
  assert.match(bad.join('\n'), /'span' has min 5 > max 2/)
})
