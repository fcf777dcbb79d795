import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { emStep, forwardFilter } from './gaussianHmm.ts'
import type { CovarianceType, HmmParams } from './gaussianHmm.ts'

// Fixture from scripts/fixtures/hmm_reference.py: an independent numpy implementation in log
// space (slogdet/solve densities, eigh for the floor), 240 rows with a mid-series gap.
interface FixtureParams { K: number; d: number; covariance: CovarianceType; pi: number[]; A: number[][]; means: number[][]; covs: number[][][] }
interface Fixture {
  n: number
  d: number
  obs: (number | null)[]
  scale: number[]
  cases: { covariance: CovarianceType; varFloor: number; init: FixtureParams; steps: { logLik: number; floorActive: boolean[]; params: FixtureParams }[] }[]
  filter: { n: number; obs: (number | null)[]; params: FixtureParams; probs: (number | null)[] }
}
const fx: Fixture = JSON.parse(readFileSync(new URL('./fixtures/hmm_reference.json', import.meta.url), 'utf8'))
const arr = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? NaN : v))
const asParams = (p: FixtureParams): HmmParams => ({ ...p, logLik: NaN, iterations: 0, converged: false, logLikHistory: [] })

function close(a: number, b: number, what: string, tol = 1e-9): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs reference ${b}`)
}

function closeParams(got: HmmParams, want: FixtureParams, what: string): void {
  for (let i = 0; i < want.K; i++) {
    close(got.pi[i], want.pi[i], `${what} pi[${i}]`)
    for (let j = 0; j < want.K; j++) close(got.A[i][j], want.A[i][j], `${what} A[${i}][${j}]`)
    for (let j = 0; j < want.d; j++) close(got.means[i][j], want.means[i][j], `${what} means[${i}][${j}]`)
    for (let r = 0; r < want.d; r++) for (let c = 0; c < want.d; c++) close(got.covs[i][r][c], want.covs[i][r][c], `${what} covs[${i}][${r}][${c}]`)
  }
}

const obs = arr(fx.obs)

for (const c of fx.cases) {
  const active = c.steps.some((s) => s.floorActive.some(Boolean))
  test(`Baum–Welch steps match the numpy reference within 1e-9 (${c.covariance}, floor ${c.varFloor}${active ? ' active' : ''})`, () => {
    let p = asParams(c.init)
    for (let s = 0; s < c.steps.length; s++) {
      const r = emStep(p, obs, fx.n, fx.d, { scale: fx.scale, varFloor: c.varFloor })
      close(r.logLik, c.steps[s].logLik, `step ${s} logLik`)
      closeParams(r.params, c.steps[s].params, `step ${s}`)
      // continue from the reference's parameters so errors cannot compound across steps
      p = asParams(c.steps[s].params)
    }
  })
}

test('filtered probabilities match the numpy reference within 1e-9 (warm-up NaN rows and a gap)', () => {
  const f = forwardFilter(asParams(fx.filter.params), arr(fx.filter.obs), fx.filter.n, fx.d)
  const want = arr(fx.filter.probs)
  assert.equal(f.length, want.length)
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) assert.ok(Number.isNaN(f[i]), `row ${Math.floor(i / 3)} should be NaN`)
    else close(f[i], want[i], `probs[${i}]`)
  }
})
