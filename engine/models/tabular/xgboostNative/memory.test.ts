import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../../data/rng.ts'
import { createModel } from '../../../registry/index.ts'
import '../xgboostNative.ts'
import { DMatrix, liveHandles } from './handles.ts'
import { loadXGBoost, xgboostUnavailableReason } from './library.ts'

// Native memory is outside V8's heap, so a forgotten XGDMatrixFree/XGBoosterFree shows only in the
// process RSS. 200 fit → predict → save cycles must leave RSS roughly flat; a positive control
// leaks the same number of DMatrix handles of the same data and must show up, so the threshold
// is known to be able to fail.

const skip = xgboostUnavailableReason()
const N = 4000
const F = 20
const CYCLES = 200
const MB = 1024 * 1024

const rng = createRng(9)
const x = Float32Array.from({ length: N * F }, () => rng.normal())
const label = Float64Array.from({ length: N }, (_, i) => (x[i * F] + 0.5 * rng.normal() > 0 ? 1 : 0))

test(`RSS stays flat over ${CYCLES} fit/predict/save cycles, while leaking ${CYCLES} DMatrix handles does not`, { skip }, async () => {
  const cycle = async () => {
    const m = createModel('xgboost_native', { n_estimators: 10, max_depth: 4 }, { seed: 0 })
    await m.fit({ x: { data: x, shape: [N, F] }, y: { label } })
    await m.predict({ data: x.subarray(0, 500 * F), shape: [500, F] })
    m.save()
  }
  for (let i = 0; i < 20; i++) await cycle() // warm up allocator arenas and OpenMP threads
  const before = process.memoryUsage().rss
  for (let i = 0; i < CYCLES; i++) await cycle()
  const grown = (process.memoryUsage().rss - before) / MB
  assert.equal(liveHandles(), 0)

  const api = loadXGBoost()
  const leaked: DMatrix[] = []
  const before2 = process.memoryUsage().rss
  let leakGrown = 0
  try {
    for (let i = 0; i < CYCLES; i++) leaked.push(new DMatrix(api, x, N, F))
    leakGrown = (process.memoryUsage().rss - before2) / MB
  } finally {
    for (const d of leaked) d.free()
  }
  assert.equal(liveHandles(), 0)
  process.stdout.write(`# rss growth: ${grown.toFixed(1)} MB over ${CYCLES} cycles; control (leaked DMatrix): ${leakGrown.toFixed(1)} MB\n`)
  assert.ok(leakGrown > 80, `the control leaked ${CYCLES} DMatrix handles but RSS grew only ${leakGrown.toFixed(1)} MB: the check is too blunt`)
  assert.ok(grown < 40, `RSS grew ${grown.toFixed(1)} MB over ${CYCLES} fit/predict/save cycles: a native handle is leaking`)
})
