/**
 * Seeded pseudo-random numbers shared by every stochastic part of the engine (synthetic series,
 * optimisers, subsampling), so that a seed in the config reproduces a run bit for bit.
 * xoshiro128** over 32-bit state words, seeded through splitmix32; normals by Box–Muller.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number
  /** integer in [0, n) */
  int(n: number): number
  /** standard normal */
  normal(): number
  /** the 4-word state, for save/restore */
  state(): [number, number, number, number]
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createRng(seed: number, state?: readonly number[]): Rng {
  let a: number, b: number, c: number, d: number
  if (state) [a, b, c, d] = state.map((x) => x >>> 0)
  else {
    const sm = splitmix32(Math.floor(seed) >>> 0)
    a = sm(); b = sm(); c = sm(); d = sm()
    if ((a | b | c | d) === 0) a = 1
  }
  let spare: number | undefined
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a; d ^= b; b ^= c; a ^= d
    c ^= t
    d = rotl(d, 11)
    return result
  }
  const next = (): number => nextU32() / 4294967296
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== undefined) { const s = spare; spare = undefined; return s }
      let u = 0
      while (u <= 0) u = next()
      const v = next()
      const r = Math.sqrt(-2 * Math.log(u))
      spare = r * Math.sin(2 * Math.PI * v)
      return r * Math.cos(2 * Math.PI * v)
    },
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
