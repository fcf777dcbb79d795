import type { Command } from './command.ts'
import { stringOption, numberOption } from './command.ts'
import { FactoryError } from '../contracts/errors.ts'
import '../plugins.ts'
import { createEnsemble, createInference, createModel, ensembleRegistry, inferenceRegistry, modelRegistry } from '../registry/index.ts'
import type { Component } from '../contracts/component.ts'
import { readNumericCsv, type NumericCsv } from './numericCsv.ts'
import { writeColumnsCsv, type CsvColumn } from '../data/csvWrite.ts'

const HELP = `Fits a registered component on the numeric columns of a training CSV and writes its outputs for
a test CSV. Conventions:
  - features: every numeric column except the target (and --drop columns), in header order; the test
    CSV must have the same feature columns;
  - target: --target COL gives y.ret = COL for regression/quantile heads (E_r, q05, q50, q95), and
    y.label = COL as well when COL holds only 0 and 1 (what p_up fits);
  - output CSV: the test CSV's text columns (e.g. timestamp) first, then one column per output the
    component produces (p_up, E_r, q05, q50, q95);
  - --inputs a,b,… picks the input columns and their order explicitly (default: all numeric columns
    but the target, a 'fold' column and --drop columns);
  - calibrators (inference registry): input column p_up, target the 0/1 outcome, e.g.
      factory fit-predict isotonic --train oof.csv --test test.csv --target label --out cal.csv
  - conformal methods: split_conformal reads E_r, cqr reads q05,q95 (target: the realised return);
    cv_plus reads one column per fold model plus a 'fold' column (0…K−1) giving each training row's
    held-out fold; jackknife_plus one column per leave-one-out model; aci reads E_r,ret (or
    q05,q95,ret) as a time-ordered stream — pass --inputs E_r,ret. Outputs q05/q95 are the interval
    bounds at the method's coverage and uncertainty its width (engine/inference/conformal/README.md);
  - ensembles: input columns named <member>.<output> (e.g. logit.p_up,lgbm.p_up).`

export const fitPredictCommand: Command = {
  path: ['fit-predict'],
  summary: 'fit any registered component on a CSV\'s numeric columns and write its outputs for another CSV',
  usage: `factory fit-predict NAME --train A.csv --test B.csv --target COL [--inputs a,b] [--params JSON] [--drop a,b] [--seed N] --out C.csv [--json]\n\n${HELP}`,
  options: { inputs: { type: 'string' }, train: { type: 'string' }, test: { type: 'string' }, target: { type: 'string' }, params: { type: 'string' }, drop: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const v = ctx.values
    const name = ctx.positionals[0]
    let params: unknown = {}
    if (v.params !== undefined) {
      try {
        params = JSON.parse(String(v.params))
      } catch (e) {
        throw new FactoryError('E_USAGE', `--params is not valid JSON: ${(e as Error).message}`, { path: '--params', value: v.params })
      }
    }
    const seed = numberOption(v, 'seed', 0, { integer: true, min: 0 })
    // Unknown name or bad params fail here, before any file is read.
    const model = createAny(name, params, seed)
    const target = stringOption(v, 'target')
    const out = stringOption(v, 'out')
    const drop = new Set(v.drop === undefined ? [] : String(v.drop).split(',').map((s) => s.trim()))
    const [train, test] = [await readNumericCsv(stringOption(v, 'train'), ctx.signal), await readNumericCsv(stringOption(v, 'test'), ctx.signal)]
    const y = train.numeric.get(target)
    if (!y) {
      throw new FactoryError('E_CSV_HEADER', `${train.file}: target column '${target}' is not a numeric column; numeric columns: ${[...train.numeric.keys()].join(', ')}`, { file: train.file, column: target, valid: [...train.numeric.keys()] })
    }
    const explicit = v.inputs === undefined ? null : String(v.inputs).split(',').map((c) => c.trim())
    for (const c of explicit ?? []) {
      if (!train.numeric.has(c)) throw new FactoryError('E_CSV_HEADER', `${train.file}: --inputs column '${c}' is not a numeric column; numeric columns: ${[...train.numeric.keys()].join(', ')}`, { file: train.file, column: c, valid: [...train.numeric.keys()] })
    }
    const features = explicit ?? [...train.numeric.keys()].filter((k) => k !== target && k !== 'fold' && !drop.has(k))
    if (!features.length) throw new FactoryError('E_CSV_HEADER', `${train.file}: no numeric feature columns besides the target '${target}'`, { file: train.file })
    for (const f of features) {
      if (!test.numeric.has(f)) throw new FactoryError('E_CSV_HEADER', `${test.file}: feature column '${f}' (numeric in ${train.file}) is missing or not numeric`, { file: test.file, column: f, valid: features })
    }
    const binary = y.every((t) => t === 0 || t === 1)
    const fold = train.numeric.get('fold')
    const targets: Record<string, Float64Array> = binary ? { label: y, ret: y } : { ret: y }
    if (fold) targets.fold = fold
    // Inference methods check their own column layout; models and ensembles take the column names.
    const names = model.kind === 'inference' ? undefined : features
    await model.fit({ x: matrix(train, features), y: targets, ...(names ? { names } : {}) }, { signal: ctx.signal, onProgress: (p) => ctx.progress('fit', p.fraction) })
    const pred = await model.predict(matrix(test, features), { signal: ctx.signal })
    const cols: CsvColumn[] = [...test.text.entries()].map(([n, values]) => ({ name: n, values }))
    for (const o of model.outputs) cols.push({ name: o, values: pred[o]! })
    const w = await writeColumnsCsv(out, cols, { signal: ctx.signal })
    ctx.say(`${name} (${model.spec.description}) fitted on ${train.rows} rows × ${features.length} features; wrote ${model.outputs.join(', ')} for ${test.rows} rows to ${w.path}`)
    return { model: name, features, target, binaryTarget: binary, outputs: model.outputs, trainRows: train.rows, testRows: test.rows, out: w.path }
  },
}

/** A name from any registry: models, ensembles, inference methods (calibrators, conformal). */
function createAny(name: string, params: unknown, seed: number): Component {
  const opts = { seed, paramPath: '--params' }
  if (inferenceRegistry.has(name)) return createInference(name, params, opts)
  if (ensembleRegistry.has(name)) return createEnsemble(name, params, opts)
  if (modelRegistry.has(name)) return createModel(name, params, opts)
  const known = [...modelRegistry.names(), ...ensembleRegistry.names(), ...inferenceRegistry.names()].sort()
  throw new FactoryError('E_UNKNOWN_NAME', `unknown component '${name}'; known: ${known.join(', ')}`, { path: 'NAME', value: name, valid: known })
}

function matrix(csv: NumericCsv, features: string[]) {
  const f = features.length
  const data = new Float64Array(csv.rows * f)
  features.forEach((name, j) => {
    const col = csv.numeric.get(name)!
    for (let i = 0; i < csv.rows; i++) data[i * f + j] = col[i]
  })
  return { data, shape: [csv.rows, f] }
}
