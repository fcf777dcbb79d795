import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { binomial, combinations, combinatorialPurgedCV, cpcvPaths } from './cpcv.ts'
import { horizonLabelEnds } from './summary.ts'

const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof FactoryError && e.code === code && (re === undefined || re.test(e.message))

test('splits are the C(N, k) group subsets in lexicographic order', () => {
  const c = combinations(6, 2)
  assert.equal(c.length, 15)
  assert.equal(binomial(6, 2), 15)
  assert.deepEqual(c.slice(0, 3), [[0, 1], [0, 2], [0, 3]])
  assert.deepEqual(c.at(-1), [4, 5])
  assert.equal(new Set(c.map((x) => x.join())).size, 15)
  assert.equal(combinations(10, 5).length, 252)
  assert.deepEqual(combinations(3, 1), [[0], [1], [2]])
})

test('backtest paths: φ = k/N · C(N,k), each path covers every group once, each (split, group) used once', () => {
  for (const [N, k] of [[6, 2], [5, 3], [8, 2], [4, 1], [7, 4]]) {
    const combos = combinations(N, k)
    const paths = cpcvPaths(N, combos)
    assert.equal(paths.length, (binomial(N, k) * k) / N, `N ${N} k ${k}`)
    assert.equal(paths.length, binomial(N - 1, k - 1))
    const used = new Set<string>()
    for (const path of paths) {
      assert.equal(path.length, N)
      path.forEach((s, g) => {
        assert.ok(combos[s].includes(g), `split ${s} does not test group ${g}`)
        used.add(`${s}:${g}`)
      })
    }
    assert.equal(used.size, combos.length * k, 'every test group of every split lands on exactly one path')
    // the p-th path takes the p-th occurrence, so split numbers rise along p for each group
    for (let g = 0; g < N; g++) for (let p = 1; p < paths.length; p++) assert.ok(paths[p][g] > paths[p - 1][g])
  }
  // AFML fig. 12.1 layout for N 6, k 2: path 0 uses splits 0,0,1,2,3,4
  assert.deepEqual(cpcvPaths(6, combinations(6, 2))[0], [0, 0, 1, 2, 3, 4])
})

test('training after a test group is embargoed; training before it is purged', () => {
  // n 100, final 10 → f 90, D = 90 − 2 − 5 = 83; groups [0,27) [27,55) [55,83)
  const plan = combinatorialPurgedCV(horizonLabelEnds(100, 1), { groups: 3, test_groups: 1, purge: 2, embargo: 5, test_bars: 10 })
  assert.deepEqual(plan.groups, [{ start: 0, end: 27 }, { start: 27, end: 55 }, { start: 55, end: 83 }])
  const [s0, s1, s2] = plan.folds
  assert.deepEqual(s0.train, [{ start: 32, end: 83 }])
  assert.deepEqual([s0.purged, s0.embargoed], [0, 5])
  assert.deepEqual(s1.train, [{ start: 0, end: 25 }, { start: 60, end: 83 }])
  assert.deepEqual([s1.purged, s1.embargoed], [2, 5])
  assert.deepEqual(s2.train, [{ start: 0, end: 53 }])
  assert.deepEqual([s2.purged, s2.embargoed], [2, 0])
})

test('a training label that reaches the final test span is purged even far from any test group', () => {
  const le = horizonLabelEnds(100, 1)
  le[70] = 95 // reaches the final test [90, 100)
  const plan = combinatorialPurgedCV(le, { groups: 3, test_groups: 1, purge: 2, embargo: 5, test_bars: 10 })
  assert.deepEqual(plan.folds[0].train, [{ start: 32, end: 70 }, { start: 71, end: 83 }])
  assert.equal(plan.folds[0].purged, 1)
})

test('adjacent test groups stay separate entries and the embargo follows the later one', () => {
  const plan = combinatorialPurgedCV(horizonLabelEnds(200, 0), { groups: 4, test_groups: 2, purge: 0, embargo: 10, test_bars: 20 })
  // f = 180, D = 180 − 0 − 10 = 170; groups [0,42) [42,85) [85,127) [127,170)
  const split = plan.folds.find((f) => f.groups.join() === '1,2')!
  assert.equal(split.test.length, 2)
  assert.equal(split.test[0].end, split.test[1].start)
  const after = split.test[1].end
  assert.ok(split.train.every((r) => r.end <= split.test[0].start || r.start >= after + 10))
  assert.equal(split.embargoed, 10)
})

test('N, k and size errors name the settings', () => {
  const le = horizonLabelEnds(5000, 10)
  assert.throws(() => combinatorialPurgedCV(le, { groups: 5, test_groups: 5 }), isCode('E_PARAM', /splits\.test_groups must be an integer in \[1, 4\]; got 5/))
  assert.throws(() => combinatorialPurgedCV(le, { groups: 1, test_groups: 1 }), isCode('E_PARAM', /splits\.groups/))
  assert.throws(() => combinatorialPurgedCV(le, { groups: 20, test_groups: 10 }), isCode('E_SPLIT', /C\(20,10\) = 184756 splits; the limit is 1000/))
  assert.throws(
    () => combinatorialPurgedCV(le, { groups: 6, test_groups: 2 }),
    isCode('E_SPLIT', /CPCV split \d+ \(test groups \d, \d\) keeps 0 training samples .*CPCV with 6 groups, 2 test groups, purge 60, embargo 1440.*need at least about \d+ bars; have 5000/),
  )
})

test('the "need N bars" hint is exact for fully labelled data', () => {
  let need = 0
  try {
    combinatorialPurgedCV(horizonLabelEnds(5000, 60), { groups: 5, test_groups: 2 })
  } catch (e) {
    need = (e as FactoryError).details.need as number
  }
  assert.ok(need > 5000)
  assert.equal(combinatorialPurgedCV(horizonLabelEnds(need, 60), { groups: 5, test_groups: 2 }).folds.length, 10)
  assert.throws(() => combinatorialPurgedCV(horizonLabelEnds(need - 1, 60), { groups: 5, test_groups: 2 }), isCode('E_SPLIT'))
})

test('purge 0 and embargo 0: every non-test bar with a label inside the development region trains', () => {
  const plan = combinatorialPurgedCV(horizonLabelEnds(1000, 0), { groups: 5, test_groups: 2, purge: 0, embargo: 0, test_bars: 100 })
  for (const s of plan.folds) {
    assert.equal(s.trainCount + s.test.reduce((a, t) => a + t.end - t.start, 0), 900)
    assert.deepEqual([s.purged, s.embargoed, s.unlabeled], [0, 0, 0])
  }
})
