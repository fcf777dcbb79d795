import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRng } from '../../data/rng.ts'
import { plusBounds } from './plus.ts'
import { selectShifted, selectWork, sortFolds } from './sortedSelect.ts'

test('sortedSelect: every rank of the shifted union equals sorting the materialised union (ties, empty folds)', () => {
  const rng = createRng(17)
  for (const [n, k] of [[1, 1], [5, 3], [40, 2], [300, 7], [1000, 4]] as const) {
    const residual = Float64Array.from({ length: n }, () => Math.round(Math.abs(rng.normal()) * 8) / 4) // ties
    const fold = Int32Array.from({ length: n }, () => (k > 2 ? rng.int(k - 1) : rng.int(k))) // with k > 2 the last fold stays empty
    const p = Float64Array.from({ length: k + 3 }, () => Math.round(rng.normal() * 4) / 4)
    const folds = sortFolds(residual, fold, k)
    const work = selectWork(k)
    for (const lower of [true, false]) {
      const union = Float64Array.from(residual, (r, i) => (lower ? p[3 + fold[i]] - r : p[3 + fold[i]] + r)).sort()
      for (let r = 0; r <= n + 1; r++) {
        const want = r < 1 ? -Infinity : r > n ? Infinity : union[r - 1]
        assert.equal(selectShifted(p, 3, folds, r, lower, work), want, `n=${n} K=${k} rank ${r} ${lower ? 'lower' : 'upper'}`)
      }
    }
  }
})

test('plusBounds: the sorted and direct strategies give bit-identical CV+ bounds', () => {
  const rng = createRng(23)
  const n = 3000
  const k = 5
  const m = 50
  const residual = Float64Array.from({ length: n }, () => Math.abs(rng.normal()))
  const fold = Int32Array.from({ length: n }, (_, i) => i % k)
  const x = { data: Float64Array.from({ length: m * k }, () => rng.normal() * 0.1), shape: [m, k] }
  for (const coverage of [0.5, 0.9, 0.999]) {
    const a = plusBounds(x, { residual, fold }, coverage, undefined, 'sorted')
    const b = plusBounds(x, { residual, fold }, coverage, undefined, 'direct')
    assert.deepEqual(a, b, `coverage ${coverage}`)
  }
})
