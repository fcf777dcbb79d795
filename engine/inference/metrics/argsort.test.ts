import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../data/rng.ts'
import { argsort, averageRanks, sortRows } from './argsort.ts'

/** Comparator argsort: the obviously-correct reference the radix path must reproduce. */
function slowArgsort(v: Float64Array, rows: number[]): number[] {
  const pos = rows.map((_, k) => k)
  pos.sort((a, b) => v[rows[a]] - v[rows[b]] || a - b)
  return pos.map((k) => rows[k])
}

function nastyValues(n: number, seed: number): Float64Array {
  const rng = createRng(seed)
  const pool = [0, -0, 1, -1, 5e-324, -5e-324, 1e-300, -1e300, 1e300, 0.1, 0.5, Number.MAX_VALUE, -Number.MAX_VALUE]
  const v = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const u = rng.next()
    v[i] = u < 0.3 ? pool[rng.int(pool.length)] : u < 0.6 ? Math.round(rng.normal() * 4) / 4 : rng.normal() * 10 ** (rng.int(40) - 20)
  }
  return v
}

test('radix argsort (n ≥ 2048) orders like a stable comparator sort, over signs, zeros, subnormals and extremes', () => {
  for (const seed of [1, 2, 3]) {
    const v = nastyValues(5000, seed)
    const all = Array.from({ length: v.length }, (_, i) => i)
    assert.deepEqual(Array.from(argsort(v)), slowArgsort(v, all), `seed ${seed}`)
  }
})

test('ties keep the order of the rows given (stable), −0 and +0 tie, and a row subset is honoured', () => {
  const rng = createRng(9)
  const v = new Float64Array(6000)
  for (let i = 0; i < v.length; i++) v[i] = rng.int(7) === 0 ? (rng.int(2) ? 0 : -0) : rng.int(20)
  const rows = Uint32Array.from({ length: 3000 }, () => rng.int(v.length))
  const got = Array.from(argsort(v, rows))
  assert.deepEqual(got, slowArgsort(v, Array.from(rows)))
  const small = new Float64Array([3, -0, 0, 3, 1])
  assert.deepEqual(Array.from(argsort(small)), [1, 2, 4, 0, 3])
})

test('average ranks share ties as scipy.stats.rankdata does, on both sort paths', () => {
  assert.deepEqual(Array.from(averageRanks(new Float64Array([10, 20, 20, 5, 20]))), [2, 4, 4, 1, 4])
  // rows subset: ranks are among the chosen rows only, in the order of `rows`
  assert.deepEqual(Array.from(averageRanks(new Float64Array([10, 99, 20, 5]), Uint32Array.from([3, 0, 2]))), [1, 2, 3])
  const rng = createRng(4)
  const v = Float64Array.from({ length: 4000 }, () => rng.int(50))
  const r = averageRanks(v)
  for (let i = 0; i < v.length; i += 97) {
    let below = 0
    let equal = 0
    for (let j = 0; j < v.length; j++) {
      if (v[j] < v[i]) below++
      else if (v[j] === v[i]) equal++
    }
    assert.equal(r[i], below + (equal + 1) / 2, `row ${i}`)
  }
})

test('sortRows hands back the values in sorted order (−0 read as +0) beside the order, on both paths', () => {
  for (const n of [100, 5000]) {
    const v = nastyValues(n, n)
    const { order, sorted } = sortRows(v)
    assert.equal(sorted.length, n)
    for (let k = 0; k < n; k++) {
      assert.ok(sorted[k] === v[order[k]], `n=${n} position ${k}: ${sorted[k]} vs ${v[order[k]]}`)
      assert.ok(!Object.is(sorted[k], -0), `n=${n} position ${k} is −0`)
      if (k > 0) assert.ok(sorted[k - 1] <= sorted[k])
    }
  }
})
