import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from './rng.ts'

test('same seed gives the same stream; different seeds differ', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43)
  const xa = Array.from({ length: 5 }, () => a.next())
  assert.deepEqual(xa, Array.from({ length: 5 }, () => b.next()))
  assert.notDeepEqual(xa, Array.from({ length: 5 }, () => c.next()))
})

test('uniforms lie in [0,1) with mean near 1/2; normals have mean 0 and variance 1', () => {
  const r = createRng(7)
  let s = 0, s2 = 0, lo = 1, hi = 0
  const n = 200_000
  for (let i = 0; i < n; i++) { const u = r.next(); s += u; lo = Math.min(lo, u); hi = Math.max(hi, u) }
  assert.ok(lo >= 0 && hi < 1)
  assert.ok(Math.abs(s / n - 0.5) < 0.005)
  s = 0
  for (let i = 0; i < n; i++) { const z = r.normal(); s += z; s2 += z * z }
  assert.ok(Math.abs(s / n) < 0.01)
  assert.ok(Math.abs(s2 / n - 1) < 0.02)
})

test('state() restores the stream exactly', () => {
  const r = createRng(9)
  r.next(); r.next()
  const st = r.state()
  const r2 = createRng(0, st)
  assert.deepEqual([r.next(), r.next()], [r2.next(), r2.next()])
})
