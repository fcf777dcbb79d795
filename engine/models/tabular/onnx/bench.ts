/**
 * Benchmark (measures and reports; not a test):
 *   node --import tsx engine/models/tabular/onnx/bench.ts [trainRows=20000] [features=30] [predictRows=100000] [intraOpThreads=1]
 * For each exportable model at its defaults (lightgbm: p_up + E_r + quantiles, forests and
 * xgboost_native: p_up + E_r, 100 trees per head): ONNX model size in each precision, onnxruntime
 * predict µs/row (session reused, one warm-up run, best of 3) against the engine's, and the max abs
 * difference between the two.
 */
import { createRng } from '../../../data/rng.ts'
import { createModel } from '../../../registry/index.ts'
import '../lightgbm.ts'
import '../randomForest.ts'
import '../extraTrees.ts'
import '../xgboostNative.ts'
import { xgboostUnavailableReason } from '../xgboostNative/library.ts'
import type { Outputs, Tensor } from '../../../contracts/component.ts'
import { exportOnnx } from './export.ts'
import { OnnxPredictor } from './predict.ts'

const n = Number(process.argv[2] ?? 20_000)
const f = Number(process.argv[3] ?? 30)
const m = Number(process.argv[4] ?? 100_000)
const threads = Number(process.argv[5] ?? 1)
const rng = createRng(1)
const x = new Float32Array(n * f)
for (let i = 0; i < x.length; i++) x[i] = rng.normal()
const label = new Float64Array(n), ret = new Float64Array(n)
for (let i = 0; i < n; i++) {
  const r = i * f
  const z = x[r] + x[r + 1] * x[r + 2] + Math.sin(x[r + 3]) + rng.normal()
  label[i] = z > 0 ? 1 : 0
  ret[i] = 0.01 * z
}
const xt: Tensor = { data: new Float32Array(m * f).map(() => rng.normal()), shape: [m, f] }

async function best<T>(run: () => Promise<T>): Promise<{ ms: number; out: T }> {
  let out = await run()
  let ms = Infinity
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now()
    out = await run()
    ms = Math.min(ms, performance.now() - t0)
  }
  return { ms, out }
}

const maxDiff = (a: Outputs, b: Outputs): number => {
  let d = 0
  for (const k of Object.keys(a) as (keyof Outputs)[]) for (let i = 0; i < a[k]!.length; i++) d = Math.max(d, Math.abs(a[k]![i] - b[k]![i]))
  return d
}

const models: [string, Record<string, unknown>][] = [
  ['lightgbm', { outputs: 'all' }],
  ['random_forest', { outputs: 'p_up+E_r' }],
  ['extra_trees', { outputs: 'p_up+E_r' }],
]
if (!xgboostUnavailableReason()) models.push(['xgboost_native', { outputs: 'p_up+E_r', nthread: 1 }])

console.log(`train ${n} × ${f}; predict ${m} rows; onnxruntime intra-op threads ${threads}`)
for (const [name, params] of models) {
  const model = createModel(name, params, { seed: 1 })
  await model.fit({ x: { data: x, shape: [n, f] }, y: { label, ret } })
  const engine = await best(() => model.predict(xt))
  const line = [`${name.padEnd(15)} heads ${model.outputs.join('+')}`, `engine ${((engine.ms * 1000) / m).toFixed(2)} µs/row`]
  for (const precision of ['float64', 'float32'] as const) {
    const t0 = performance.now()
    const bytes = exportOnnx(model, { precision })
    const exportMs = performance.now() - t0
    const p = await OnnxPredictor.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 })
    const ort = await best(() => p.predict(xt))
    await p.release()
    line.push(`${precision}: ${(bytes.length / 1024).toFixed(0)} KiB (export ${exportMs.toFixed(0)} ms), ORT ${((ort.ms * 1000) / m).toFixed(2)} µs/row, max|Δ| ${maxDiff(engine.out, ort.out).toExponential(1)}`)
  }
  console.log(line.join(' | '))
}
