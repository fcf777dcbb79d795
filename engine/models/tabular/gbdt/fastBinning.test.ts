// The fast paths of binning must be exact replacements: the radix sort gives Float64Array#sort's
// order, and binDataset's guided bin lookup gives binOf's bin for every value, so models trained
// before and after them are bit-identical.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../../data/rng.ts'
import { BIN_SAMPLE_ROWS, binDataset, binMatrix, binOf } from './binning.ts'
import { sortFloat64 } from './radixSort.ts'

const rng = createRng(11)
const SPECIAL = [0, -0, Infinity, -Infinity, 1, -1, 5e-324, -5e-324, 1e308, -1e308]
const gens: Record<string, () => number> = {
  normal: () => rng.normal() * 1e3,
  integers: () => Math.floor(rng.normal() * 5),
  subnormal: () => rng.normal() * 1e-310,
  special: () => (rng.next() < 0.5 ? SPECIAL[rng.int(SPECIAL.length)] : rng.normal()),
  heavyTail: () => rng.normal() / Math.max(1e-6, rng.next()) ** 2,
}

test('sortFloat64 equals Float64Array#sort (−0 before +0, infinities, subnormals, ties), in place on subarrays', () => {
  for (const n of [0, 1, 7, 1023, 1024, 5000, 60_000]) {
    for (const [kind, gen] of Object.entries(gens)) {
      const a = Float64Array.from({ length: n }, gen)
      const want = a.slice().sort()
      const host = new Float64Array(n + 2).fill(42)
      host.set(a, 1)
      const got = sortFloat64(host.subarray(1, n + 1))
      assert.equal(got.length, n)
      for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) assert.fail(`${kind} n=${n}: index ${i} has ${got[i]}, sort gives ${want[i]}`)
      assert.equal(host[0], 42)
      assert.equal(host[n + 1], 42, 'neighbours of the subarray untouched')
    }
  }
})

test('binDataset bins every value exactly as binOf under its learned edges (NaN, ±Infinity, heavy tails, few distinct values, sampled edges)', () => {
  const n = BIN_SAMPLE_ROWS + 3_000 // above the sample size, so edges come from a row sample
  const f = 6
  const x = new Float64Array(n * f)
  const cols = [gens.normal, gens.integers, gens.special, gens.heavyTail, () => (rng.next() < 0.1 ? NaN : rng.normal()), () => 3]
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) x[i * f + j] = cols[j]()
  for (const maxBin of [255, 1000, 2]) {
    const b = binDataset(x, n, f, maxBin, createRng(3))
    const again = binMatrix(b.mapper, x, n, f)
    for (let j = 0; j < f; j++) {
      const u = b.mapper.upper[j]
      for (let i = 0; i < n; i++) {
        const want = binOf(u, x[i * f + j])
        if (b.bins[j * n + i] !== want) assert.fail(`maxBin ${maxBin}, feature ${j}, row ${i} (${x[i * f + j]}): bin ${b.bins[j * n + i]}, binOf ${want}`)
        if (again.bins[j * n + i] !== want) assert.fail(`binMatrix, maxBin ${maxBin}, feature ${j}, row ${i}`)
      }
    }
  }
})
