import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { FactoryError } from '../../contracts/errors.ts'
import type { ModelSpec } from '../../contracts/specs.ts'
import { registryCatalog, type SpecCatalog } from './catalog.ts'
import { parsePipelineYaml } from './loadYaml.ts'
import type { LocatedIssue } from './validate.ts'
import { ensureBaselineModels, registerTestComponents } from './testing/standIns.ts'

/**
 * Every file in fixtures/bad must fail with E_CONFIG whose message starts with
 * `<file>:<line>:<column> <config path>: ` and says what is wrong; where there are choices,
 * details.valid lists them. A fixture added without a row here fails the completeness test.
 */

const dir = new URL('./fixtures/bad/', import.meta.url)

// Specs a registry refuses or that no plug-in declares, given through the catalog.
const BARE_WINDOW: ModelSpec = { name: 'bare_window', description: 'window model declaring no lookback', family: 'sequence', inputView: 'window_tensor', outputs: ['p_up'], needs: { normalization: 'scaled' }, isCausal: true, zeroShot: false, defaults: {} }
const ONLY_QUANTILES: ModelSpec = { name: 'only_quantiles', description: 'quantiles only', family: 'tabular', inputView: 'feature_matrix', outputs: ['q05', 'q50', 'q95'], needs: { normalization: 'any' }, isCausal: true, zeroShot: false, defaults: {} }
let catalog: SpecCatalog

before(async () => {
  await ensureBaselineModels()
  registerTestComponents()
  const base = registryCatalog()
  catalog = { ...base, models: [...base.models, BARE_WINDOW, ONLY_QUANTILES] }
})

interface Row {
  /** config path of the first issue */
  path: string
  /** the message after "file:line:col path: " */
  says: RegExp
  /** one of the valid choices details.valid must list (when there are choices) */
  valid?: string | number
  line?: number
  column?: number
}

const ROWS: Record<string, Row> = {
  // the parser notices the missing ] where the next block starts
  syntax_error: { path: 'base_models', says: /^YAML syntax: Flow sequence .* end with a \]/, line: 9, column: 1 },
  tab_indentation: { path: 'labels', says: /^YAML syntax: Tabs are not allowed as indentation \(indent with spaces\)/, line: 7, column: 1 },
  duplicate_key: { path: 'seed', says: /^YAML syntax: Map keys must be unique/, line: 7, column: 1 },
  unknown_top_level_key: { path: 'trainer', says: /^unknown key 'trainer'; known: name, seed, device, data, /, valid: 'base_models', line: 6, column: 1 },
  unknown_model: { path: 'base_models[0].name', says: /^unknown model 'lgbm'; known: .*lightgbm/, valid: 'lightgbm', line: 8, column: 11 },
  bad_param_type: { path: 'base_models[0].params.learning_rate', says: /^'fast' is not a number; valid: number with 0 < value/, line: 11, column: 22 },
  param_out_of_range: { path: 'base_models[0].params.num_leaves', says: /^0 is below the minimum; valid: integer with 2 ≤ value/, valid: 2, line: 10, column: 19 },
  unknown_param: { path: 'base_models[0].params.leaves', says: /^unknown parameter 'leaves'; known: .*num_leaves/, valid: 'num_leaves', line: 10, column: 7 },
  duplicate_id: { path: 'base_models[1].id', says: /^duplicate id 'lgbm' \(also base_models\[0\]\)/, line: 11, column: 9 },
  missing_data_file: { path: 'data.file', says: /^is required: the path of the OHLCV file/, line: 3, column: 3 },
  bad_instrument: { path: 'data.instrument', says: /^unknown instrument 'ESX'; known: .*\bES\b/, valid: 'ES', line: 4, column: 15 },
  bad_bar_size: { path: 'data.bar_size', says: /^invalid bar size '1 minute'; use a positive whole number with s, m, h or d/, valid: '1m', line: 5, column: 13 },
  bad_feature_set: { path: 'features.set', says: /^unknown feature set 'fancy'; known: minimal, standard, full/, valid: 'standard', line: 7, column: 8 },
  bad_validation_policy: { path: 'data.validation.default', says: /^invalid policy "ignore"; valid: raise, warn, drop/, valid: 'raise', line: 7, column: 14 },
  gaps_drop: { path: 'data.validation.checks.gaps', says: /^invalid policy "drop" \(a gap has no rows to drop.*\); valid: raise, warn/, valid: 'warn', line: 8, column: 13 },
  label_k_up_negative: { path: 'labels.k_up', says: /^must be a number with 0 < value ≤ 50; got -1/, line: 7, column: 9 },
  horizon_beyond_purge_embargo: { path: 'labels.horizon', says: /^a horizon of 2000 bars is more than splits.purge \+ splits.embargo = 60 \+ 1440 = 1500: the labels of the last fold's test bars would read bars of the final test span/, line: 7, column: 12 },
  unknown_ensemble: { path: 'ensemble.name', says: /^unknown ensemble 'no_such_ensemble'; known: test_gate, test_stack, test_vote$/, valid: 'test_stack', line: 13, column: 9 },
  cqr_without_quantiles: { path: 'inference.uncertainty.name', says: /^uncertainty method 'test_cqr' needs q05 and q95 from a base model or the ensemble; the pipeline produces p_up, not q05, q95/, line: 10, column: 11 },
  window_model_without_lookback: { path: 'base_models[1].lookback', says: /^base_models\[1\] \(bare_window\) reads the window_tensor view and needs a lookback/, line: 11, column: 5 },
  lookback_on_tabular: { path: 'base_models[0].lookback', says: /^base_models\[0\] \(lightgbm\) reads the feature_matrix view \(one row per bar\) and takes no lookback/, line: 11, column: 15 },
  folds_zero: { path: 'splits.folds', says: /^0 is below the minimum; valid: integer with 1 ≤ value/, valid: 1, line: 7, column: 10 },
  unknown_splits_method: { path: 'splits.method', says: /^unknown splits method 'kfold'; known: walk_forward, cpcv$/, valid: 'walk_forward', line: 7, column: 11 },
  bad_seed_type: { path: 'seed', says: /^'forty-two' is not a number; valid: integer with 0 ≤ value ≤ 4294967295/, valid: 0, line: 6, column: 7 },
  bad_device: { path: 'device', says: /^unknown device 'tpu'; known: auto, gpu, cpu$/, valid: 'cpu', line: 6, column: 9 },
  empty_base_models: { path: 'base_models', says: /^at least one base model is required$/, line: 6, column: 14 },
  regime_states_out_of_range: { path: 'regime.n_states', says: /^must be an integer in 2\.\.6; got 9/, valid: 6, line: 7, column: 13 },
  rolling_without_train_bars: { path: 'splits.train_bars', says: /^is required when splits.mode is 'rolling'/, line: 7, column: 3 },
  bad_timezone: { path: 'data.timezone', says: /Mars\/Olympus/, line: 6, column: 13 },
  ensemble_single_member: { path: 'ensemble.name', says: /^ensemble 'test_stack' combines base models but there is only 1 \(lgbm\)/, line: 12, column: 9 },
  calibrator_without_p_up: { path: 'inference.calibrate[0].name', says: /^calibrator 'test_platt' needs p_up upstream; the pipeline before it produces q05, q50, q95/, line: 10, column: 13 },
  policy_missing_input: { path: 'policy.name', says: /^policy 'test_sizer' needs uncertainty upstream/, line: 12, column: 9 },
  unknown_calibrator: { path: 'inference.calibrate[0].name', says: /^unknown calibrator 'isotonic_typo'; known: test_platt$/, valid: 'test_platt', line: 13, column: 13 },
  cpcv_with_folds: { path: 'splits.folds', says: /^applies to splits method walk_forward only; splits.method is cpcv/, valid: 'groups', line: 8, column: 10 },
}

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()

test('20+ bad fixtures, each with a row in the table', () => {
  assert.ok(files.length >= 20, `only ${files.length} fixtures`)
  assert.deepEqual(files.map((f) => f.replace(/\.yaml$/, '')), Object.keys(ROWS).sort())
})

for (const f of files) {
  const name = f.replace(/\.yaml$/, '')
  test(`bad fixture ${name}: located E_CONFIG naming the path and the problem`, () => {
    const row = ROWS[name]
    assert.ok(row, `no table row for ${f}`)
    const text = readFileSync(new URL(f, dir), 'utf8')
    const file = `fixtures/bad/${f}`
    let err: FactoryError | undefined
    try {
      parsePipelineYaml(text, file, { catalog })
    } catch (e) {
      assert.ok(e instanceof FactoryError, String(e))
      err = e
    }
    assert.ok(err, `${f} was accepted`)
    assert.equal(err.code, 'E_CONFIG')
    const first = err.message.split('\n')[0]
    const m = /^(.+?):(\d+):(\d+) (\S+): (.*)$/.exec(first)
    assert.ok(m, `message is not "file:line:col path: text": ${first}`)
    const [, mFile, mLine, mCol, mPath, says] = m
    assert.equal(mFile, file)
    assert.equal(mPath, row.path, first)
    assert.match(says, row.says, first)
    assert.equal(err.details.file, file)
    assert.equal(err.details.path, row.path)
    assert.equal(err.details.line, Number(mLine))
    assert.equal(err.details.column, Number(mCol))
    if (row.line !== undefined) assert.equal(Number(mLine), row.line, `line of ${first}`)
    if (row.column !== undefined) assert.equal(Number(mCol), row.column, `column of ${first}`)
    // the reported line really holds the offending text (not merely some line of the file)
    const lineText = text.split('\n')[Number(mLine) - 1] ?? ''
    const last = row.path.replace(/\[\d+\]$/, '').split('.').pop()!
    if (!says.startsWith('YAML') && !/is required/.test(says) && row.path !== 'base_models') assert.ok(lineText.includes(last) || lineText.trim().startsWith('- '), `line ${mLine} "${lineText}" does not show ${last}`)
    if (row.valid !== undefined) {
      assert.ok(Array.isArray(err.details.valid), `${f}: details.valid missing`)
      assert.ok((err.details.valid as (string | number)[]).includes(row.valid), `${f}: details.valid ${JSON.stringify(err.details.valid)} lacks ${row.valid}`)
    }
    const errors = err.details.errors as LocatedIssue[]
    assert.ok(errors.length >= 1)
    for (const e of errors) assert.ok(e.file === file && e.line! >= 1 && e.column! >= 1 && typeof e.path === 'string')
  })
}
