/**
 * The data set of scripts/fixtures/forest_reference.py, regenerated bit for bit (the script's
 * docstring says how): a 32-bit LCG, sums of four uniforms for normals, float32 features, and
 * targets built with + − × and abs only, so no libm difference between Python and JS can creep in.
 * Test-only, but a module of its own so the reference test and the benchmark share it.
 */

const M32 = 2 ** 32
const SQRT3 = Math.sqrt(3)

class Lcg {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  uniform(): number {
    // 1664525·s + 1013904223 mod 2^32 without losing bits: Math.imul wraps like the integer product
    this.s = (Math.imul(1664525, this.s) + 1013904223) >>> 0
    return (this.s + 0.5) / M32
  }
  normal(): number {
    let a = this.uniform()
    a = a + this.uniform()
    a = a + this.uniform()
    a = a + this.uniform()
    return (a - 2) * SQRT3
  }
}

export interface ReferenceData {
  n: number
  f: number
  x: Float32Array
  label: Float64Array
  ret: Float64Array
  weight: Float64Array
}

export function referenceData(nTrain: number, nTest: number, f: number): ReferenceData {
  const n = nTrain + nTest
  const gx = new Lcg(20240601)
  const x = new Float32Array(n * f)
  for (let i = 0; i < n * f; i++) x[i] = gx.normal()
  const g = new Lcg(777)
  const label = new Float64Array(n)
  const ret = new Float64Array(n)
  const weight = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = i * f
    const z = x[r] + x[r + 1] * x[r + 2] - 0.7 * x[r + 3] * Math.abs(x[r + 4]) + 0.5 * x[r + 5] + g.normal()
    label[i] = z > 0 ? 1 : 0
    ret[i] = x[r] * x[r + 1] + x[r + 2] - 0.5 * x[r + 3] * x[r + 3] + 0.3 * x[r + 6] + 0.5 * g.normal()
    const w = 0.2 + 1.8 * g.uniform()
    weight[i] = x[r + 7] > 0.5 ? w * 3 : w
  }
  return { n, f, x, label, ret, weight }
}
