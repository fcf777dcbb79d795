import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Targets } from '../../contracts/component.ts'
import { createInference } from '../../registry/index.ts'
import './index.ts'

// Fixture: scripts/fixtures/conformal_reference.py (numpy, from the papers' definitions).

type Num = number | 'inf' | '-inf'
interface RefCase {
  method: string
  name: string
  params: Record<string, unknown>
  fit: { x: Num[]; shape: number[]; ret?: Num[]; fold?: number[] }
  predict: { x: Num[]; shape: number[] }
  expected: { q05: Num[]; q95: Num[]; uncertainty: Num[] }
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/conformal_reference.json', import.meta.url), 'utf8')) as { cases: RefCase[] }

const dec = (a: Num[]): Float64Array => Float64Array.from(a, (v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v))

const TOL = 1e-9

for (const c of fixture.cases) {
  test(`reference: ${c.method} — ${c.name}: bounds within ${TOL} of numpy`, async () => {
    const comp = createInference(c.method, c.params, { seed: 0 })
    const y: Record<string, Float64Array> = {}
    if (c.fit.ret) y.ret = dec(c.fit.ret)
    if (c.fit.fold) y.fold = Float64Array.from(c.fit.fold)
    await comp.fit({ x: { data: dec(c.fit.x), shape: c.fit.shape }, y: y as Targets })
    const out = await comp.predict({ data: dec(c.predict.x), shape: c.predict.shape })
    for (const name of ['q05', 'q95', 'uncertainty'] as const) {
      const want = dec(c.expected[name])
      const got = out[name]!
      assert.equal(got.length, want.length, `${name} length`)
      for (let i = 0; i < want.length; i++) {
        const w = want[i]
        const g = got[i]
        // infinities (unbounded or empty sets) must match exactly, finite values to TOL
        if (!Number.isFinite(w)) assert.equal(g, w, `${name}[${i}]: got ${g}, numpy ${w}`)
        else assert.ok(Math.abs(g - w) <= TOL, `${name}[${i}]: got ${g}, numpy ${w} (diff ${Math.abs(g - w)})`)
      }
    }
  })
}

test('reference: the fixture exercises unbounded sides, empty ACI sets, crossed CQR bands and ties', () => {
  const all = fixture.cases.flatMap((c) => c.expected.q05.map((lo, i) => [c.method, lo, c.expected.q95[i]] as const))
  assert.ok(all.some(([, lo]) => lo === '-inf'), 'some lower bound is −∞')
  assert.ok(all.some(([m, , hi]) => m === 'cv_plus' && hi === 'inf'), 'some CV+ upper bound is +∞')
  assert.ok(all.some(([m, lo, hi]) => m === 'aci' && lo === 'inf' && hi === '-inf'), 'some ACI set is empty (α_t ≥ 1)')
  assert.ok(all.some(([m, lo, hi]) => m === 'cqr' && typeof lo === 'number' && typeof hi === 'number' && lo > hi), 'some CQR band crosses')
})
