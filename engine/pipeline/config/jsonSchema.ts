import { paramsJsonSchema } from '../../contracts/params.ts'
import type { ParamSchema } from '../../contracts/params.ts'
import { instrumentNames } from '../../data/calendar/instruments.ts'
import { FEATURE_SETS, featureNames } from '../../data/features/index.ts'
import { BAR_FIELDS } from '../../data/ingest/types.ts'
import { EPOCH_UNITS } from '../../data/ingest/parseTimestamp.ts'
import { LABEL_DEFAULTS, LABEL_OPTIMISE_DEFAULTS } from '../../data/labels/labelConfig.ts'
import { TIMEOUT_LABELS } from '../../data/labels/tripleBarrier.ts'
import { REGIME_DEFAULTS } from '../../data/regimes/regimeConfig.ts'
import { CHECK_NAMES, POLICIES } from '../../data/validate/findings.ts'
import type { SpecCatalog, SlotKind } from './catalog.ts'
import { SLOT_WORDS, registryCatalog, slotSpecs } from './catalog.ts'
import { CUSTOM_INSTRUMENT_KEYS, SPLIT_FIELDS, SPLIT_METHODS } from './dataSchema.ts'
import { SEED_DEF } from './schema.ts'
import { DEVICES } from './types.ts'

/**
 * JSON Schema (draft-07) of the pipeline YAML for the editor (monaco-yaml): completions, hovers and
 * squiggles. Component names are enums from the catalog at call time, and each component's
 * `params` schema is switched in by `if name == X then params: <X's params schema>`. The engine's
 * own validator (schema.ts + compatibility.ts) stays the authority: value rules that live inside
 * the data modules (ranges of regime/label options) appear here as types and defaults only.
 */

type Json = Record<string, unknown>
const obj = (properties: Json, extra: Json = {}): Json => ({ type: 'object', properties, additionalProperties: false, ...extra })
const nameEnum = (names: string[], what: string): Json =>
  names.length ? { type: 'string', enum: names } : { type: 'string', enum: [], description: `no ${what} is registered yet` }

function byDefault(defaults: Record<string, unknown>): Json {
  const props: Json = {}
  for (const [k, v] of Object.entries(defaults)) props[k] = { type: typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string', default: v }
  return props
}

function component(catalog: SpecCatalog, kind: SlotKind, extra: Json = {}): Json {
  const specs = slotSpecs(catalog, kind)
  return {
    ...obj({ name: nameEnum(specs.map((s) => s.name).sort(), SLOT_WORDS[kind]), params: { type: ['object', 'null'] }, ...extra }, { required: ['name'] }),
    allOf: specs.map((s) => ({
      if: { properties: { name: { const: s.name } }, required: ['name'] },
      then: { properties: { params: paramsJsonSchema(s.defaults as ParamSchema) } },
    })),
  }
}

function dataBlock(): Json {
  const sizePattern = '^\\d+\\s*(s|m|min|h|d)$'
  const policy = { type: 'string', enum: [...POLICIES] }
  const checks = Object.fromEntries(CHECK_NAMES.map((c) => [c, c === 'gaps' ? { type: 'string', enum: ['raise', 'warn'] } : policy]))
  return obj(
    {
      file: { type: 'string', minLength: 1, description: 'OHLCV CSV (optionally .gz); relative paths resolve against the working directory' },
      instrument: { anyOf: [{ type: 'string', enum: instrumentNames() }, { type: 'string' }], description: 'contract symbol, or the symbol of data.custom_instrument' },
      bar_size: { anyOf: [{ type: 'string', pattern: sizePattern }, { type: 'integer', exclusiveMinimum: 0 }] },
      resample_to: { type: 'string', pattern: sizePattern },
      timezone: { type: 'string' },
      columns: obj(Object.fromEntries(BAR_FIELDS.map((f) => [f, { type: ['string', 'integer'] }]))),
      has_header: { type: 'boolean' },
      delimiter: { type: 'string', enum: [',', ';', '\t', 'tab', '|'] },
      timestamp_format: { type: 'string', enum: ['auto', 'iso', 'epoch'] },
      epoch_unit: { type: 'string', enum: [...EPOCH_UNITS] },
      timestamp_is: { type: 'string', enum: ['open', 'close'] },
      max_examples: { type: 'integer', minimum: 0 },
      validation: obj({ default: policy, checks: obj(checks) }),
      custom_instrument: obj(Object.fromEntries(CUSTOM_INSTRUMENT_KEYS.map((k) => [k, k === 'calendar' ? { type: ['string', 'object'] } : k === 'symbol' || k === 'description' ? { type: 'string' } : { type: 'number' }])), { required: ['symbol', 'tick_size', 'tick_value', 'calendar'] }),
    },
    { required: ['file', 'instrument'] },
  )
}

function featuresBlock(): Json {
  const sets = Object.keys(FEATURE_SETS)
  const names = featureNames().sort()
  const item = { anyOf: [{ type: 'string', enum: names }, { type: 'object', properties: { name: { type: 'string', enum: names } }, required: ['name'] }] }
  return {
    anyOf: [
      { type: 'string', enum: sets },
      obj({ set: { type: 'string', enum: sets }, include: { type: 'array', items: item }, exclude: { type: 'array', items: { type: 'string', enum: names } }, params: { type: 'object' } }, { required: ['set'] }),
      { type: 'array', items: item },
    ],
    default: 'standard',
  }
}

function labelsBlock(): Json {
  const { bounds: _b, ...ga } = LABEL_OPTIMISE_DEFAULTS
  const pair = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }
  return obj({
    ...byDefault(LABEL_DEFAULTS),
    timeout_label: { type: 'string', enum: [...TIMEOUT_LABELS], default: LABEL_DEFAULTS.timeout_label },
    cost_ticks: { type: 'number', minimum: 0, description: "round-trip cost in ticks; default: the instrument's" },
    optimise: obj({ ...byDefault(ga), bounds: obj({ k_up: pair, k_down: pair, horizon: pair }) }),
  })
}

export function pipelineJsonSchema(catalog: SpecCatalog = registryCatalog()): Json {
  const splitFields = (paramsJsonSchema(SPLIT_FIELDS) as { properties: Json }).properties
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://ml-factory-workbench/pipeline.schema.json',
    title: 'ML Factory pipeline',
    ...obj(
      {
        name: { type: 'string', minLength: 1 },
        seed: (paramsJsonSchema({ seed: SEED_DEF }) as { properties: Json }).properties.seed,
        device: { type: 'string', enum: [...DEVICES], default: 'auto' },
        data: dataBlock(),
        features: featuresBlock(),
        regime: { anyOf: [{ const: false }, { type: 'null' }, obj(byDefault(REGIME_DEFAULTS as unknown as Record<string, unknown>))] },
        labels: labelsBlock(),
        splits: obj({ method: { type: 'string', enum: [...SPLIT_METHODS], default: 'walk_forward' }, ...splitFields }),
        base_models: { type: 'array', minItems: 1, items: { $ref: '#/definitions/base_model' } },
        ensemble: { anyOf: [{ type: 'null' }, { $ref: '#/definitions/ensemble' }] },
        inference: { anyOf: [{ type: 'null' }, obj({ calibrate: { type: 'array', items: { $ref: '#/definitions/calibrator' } }, uncertainty: { $ref: '#/definitions/uncertainty' } })] },
        policy: { anyOf: [{ type: 'null' }, { $ref: '#/definitions/policy' }] },
        bundle: obj({ create: { type: 'boolean', default: false }, dir: { type: 'string' } }),
      },
      { required: ['data', 'base_models'] },
    ),
    definitions: {
      base_model: component(catalog, 'model', { id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]*$' }, lookback: { type: ['integer', 'null'], minimum: 1 }, use_regime: { type: 'boolean' } }),
      ensemble: component(catalog, 'ensemble', { meta_learner: { $ref: '#/definitions/meta_learner' }, gating: { $ref: '#/definitions/gate' }, use_regime: { type: 'boolean' } }),
      meta_learner: component(catalog, 'meta_learner'),
      gate: component(catalog, 'gate'),
      calibrator: component(catalog, 'calibrator'),
      uncertainty: component(catalog, 'uncertainty', { coverage: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } }),
      policy: component(catalog, 'policy'),
    },
  }
}
