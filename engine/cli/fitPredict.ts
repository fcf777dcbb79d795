import type { Command } from './command.ts'
import { stringOption, numberOption } from './command.ts'
import { FactoryError } from '../contracts/errors.ts'
import '../plugins.ts'
import { createModel, modelRegistry } from '../registry/index.ts'
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
  - calibrators and conformal methods (inference registry) follow the same convention once they exist:
    their input columns are named by output (p_up, q05, q95, …) and the target is the outcome.`

export const fitPredictCommand: Command = {
  path: ['fit-predict'],
  summary: 'fit any registered component on a CSV\'s numeric columns and write its outputs for another CSV',
  usage: `factory fit-predict NAME --train A.csv --test B.csv --target COL [--params JSON] [--drop a,b] [--seed N] --out C.csv [--json]\n\n${HELP}`,
  options: { train: { type: 'string' }, test: { type: 'string' }, target: { type: 'string' }, params: { type: 'string' }, drop: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
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
    const model = createModel(name, params, { seed, paramPath: '--params' }, 'NAME')
    const target = stringOption(v, 'target')
    const out = stringOption(v, 'out')
    const drop = new Set(v.drop === undefined ? [] : String(v.drop).split(',').map((s) => s.trim()))
    const [train, test] = [await readNumericCsv(stringOption(v, 'train'), ctx.signal), await readNumericCsv(stringOption(v, 'test'), ctx.signal)]
    const y = train.numeric.get(target)
    if (!y) {
      throw new FactoryError('E_CSV_HEADER', `${train.file}: target column '${target}' is not a numeric column; numeric columns: ${[...train.numeric.keys()].join(', ')}`, { file: train.file, column: target, valid: [...train.numeric.keys()] })
    }
    const features = [...train.numeric.keys()].filter((k) => k !== target && !drop.has(k))
    if (!features.length) throw new FactoryError('E_CSV_HEADER', `${train.file}: no numeric feature columns besides the target '${target}'`, { file: train.file })
    for (const f of features) {
      if (!test.numeric.has(f)) throw new FactoryError('E_CSV_HEADER', `${test.file}: feature column '${f}' (numeric in ${train.file}) is missing or not numeric`, { file: test.file, column: f, valid: features })
    }
    const binary = y.every((t) => t === 0 || t === 1)
    const spec = modelRegistry.spec(name)
    await model.fit({ x: matrix(train, features), y: binary ? { label: y, ret: y } : { ret: y }, names: features }, { signal: ctx.signal, onProgress: (p) => ctx.progress('fit', p.fraction) })
    const pred = await model.predict(matrix(test, features), { signal: ctx.signal })
    const cols: CsvColumn[] = [...test.text.entries()].map(([n, values]) => ({ name: n, values }))
    for (const o of model.outputs) cols.push({ name: o, values: pred[o]! })
    const w = await writeColumnsCsv(out, cols, { signal: ctx.signal })
    ctx.say(`${name} (${spec.description}) fitted on ${train.rows} rows × ${features.length} features; wrote ${model.outputs.join(', ')} for ${test.rows} rows to ${w.path}`)
    return { model: name, features, target, binaryTarget: binary, outputs: model.outputs, trainRows: train.rows, testRows: test.rows, out: w.path }
  },
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
