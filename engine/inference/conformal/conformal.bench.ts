/**
 * Conformal throughput on a year of 1-minute bars (525,600 rows). Reports; asserts nothing. Run:
 *   node --import tsx engine/inference/conformal/conformal.bench.ts
 */
import type { Tensor } from '../../contracts/component.ts'
import { createRng } from '../../data/rng.ts'
import { createInference } from '../../registry/index.ts'
import './index.ts'

const N = 525_600
const rng = createRng(11)

function cols(rows: number, width: number, fill: (i: number, c: number) => number): Tensor {
  const data = new Float64Array(rows * width)
  for (let i = 0; i < rows; i++) for (let c = 0; c < width; c++) data[i * width + c] = fill(i, c)
  return { data, shape: [rows, width] }
}

async function time(name: string, rows: number, f: () => Promise<unknown>): Promise<void> {
  await f() // warm the JIT
  let best = Infinity
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint()
    await f()
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6)
  }
  console.log(`${name.padEnd(58)} ${best.toFixed(1).padStart(8)} ms  ${(rows / best / 1000).toFixed(2).padStart(7)} M rows/s`)
}

const ret = Float64Array.from({ length: N }, () => rng.normal() * 1e-3)
const er = cols(N, 1, (i) => 0.3 * ret[i] + rng.normal() * 1e-3)
const band = cols(N, 2, (i, c) => er.data[i] + (c === 0 ? -1.5e-3 : 1.5e-3))

console.log(`best of 3; rows per second counts calibration + test rows`)
const split = createInference('split_conformal', {})
await time(`split_conformal fit ${N} + predict ${N}`, 2 * N, async () => {
  await split.fit({ x: er, y: { ret } })
  await split.predict(er)
})
const cqr = createInference('cqr', {})
await time(`cqr fit ${N} + predict ${N}`, 2 * N, async () => {
  await cqr.fit({ x: band, y: { ret } })
  await cqr.predict(band)
})
const stream = cols(N, 2, (i, c) => (c === 0 ? er.data[i] : ret[i]))
const aci = createInference('aci', {})
await aci.fit({ x: cols(10_000, 2, (i, c) => stream.data[i * 2 + c]) })
await time(`aci predict over a ${N}-row stream (10k calibration)`, N, () => aci.predict(stream))
const aciW = createInference('aci', { window: 5000, delay: 60 })
await aciW.fit({ x: cols(10_000, 2, (i, c) => stream.data[i * 2 + c]) })
await time(`aci window 5000, delay 60`, N, () => aciW.predict(stream))

// CV+ is O(n) per test row (a selection over all calibration residuals): n·m work
for (const [n, m, k] of [[20_000, 20_000, 5], [5_000, 5_000, 5]] as const) {
  const y = ret.subarray(0, n)
  const fit = cols(n, k, (i) => er.data[i] + rng.normal() * 1e-4)
  const te = cols(m, k, (i) => er.data[i] + rng.normal() * 1e-4)
  const cv = createInference('cv_plus', {})
  await time(`cv_plus K=${k}, n=${n} calibration, ${m} test rows`, m, async () => {
    await cv.fit({ x: fit, y: { ret: y, fold: Float64Array.from({ length: n }, (_, i) => i % k) } })
    await cv.predict(te)
  })
}
