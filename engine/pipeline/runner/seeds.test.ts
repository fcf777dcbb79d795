import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deriveSeed } from './seeds.ts'

test('deriveSeed: a fixed function of (config seed, model id, fold), 32-bit, spread across inputs', () => {
  // pinned values: changing the derivation changes every stored run's reproduction, so it is a test failure
  assert.equal(deriveSeed(42, 'logit', 0), 1270441723)
  assert.equal(deriveSeed(42, 'lgbm', 'final'), 3057707537)
  const all = new Set<number>()
  for (const s of [0, 1, 42]) for (const id of ['logit', 'lgbm', 'logit_2']) for (const f of [0, 1, 2, 3, 'final'] as const) all.add(deriveSeed(s, id, f))
  assert.equal(all.size, 3 * 3 * 5, 'no collisions among neighbouring inputs')
  for (const v of all) assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32)
  assert.notEqual(deriveSeed(1, 'a', 10), deriveSeed(11, 'a', 0), 'fields are separated, not concatenated')
  assert.notEqual(deriveSeed(1, 'a1', 0), deriveSeed(1, 'a', 10))
})
