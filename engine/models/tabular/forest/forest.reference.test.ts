import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Outputs } from '../../../contracts/component.ts'
import { rocAuc } from '../../../inference/metrics/auc.ts'
import { createModel } from '../../../registry/index.ts'
import '../randomForest.ts'
import '../extraTrees.ts'
import { referenceData } from './referenceData.ts'

// Accuracy against scikit-learn 1.2 RandomForest*/ExtraTrees* on one fixed set:
// scripts/fixtures/forest_reference.py writes sklearn's scores; the data are regenerated here.

interface ForestCase {
  name: string
  model: 'random_forest' | 'extra_trees'
  head: 'p_up' | 'E_r'
  weighted?: boolean
  params: Record<string, unknown>
  metric: 'auc' | 'r2'
  sklearn: number
  sklearn_seeds: number[]
  sklearn_seconds: number
}
interface ExactCase {
  name: string
  head: 'p_up' | 'E_r'
  weighted?: boolean
  params: Record<string, unknown>
  score: number
  nodes: number
  pred: number[]
  tree: { feature: number[]; threshold: number[]; left: number[]; right: number[] }
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/forest_reference.json', import.meta.url), 'utf8')) as {
  n_train: number
  n_test: number
  f: number
  exact_rows: number
  check: { x_sum: number; x_first_row: number[]; label_sum: number; ret_sum: number; weight_sum: number }
  forests: ForestCase[]
  exact: ExactCase[]
}
const { n_train: nTr, n_test: nTe, f } = fx
const d = referenceData(nTr, nTe, f)
const xTrain = { data: d.x.subarray(0, nTr * f), shape: [nTr, f] }
const xTest = { data: d.x.subarray(nTr * f), shape: [nTe, f] }
const yTest = { label: d.label.subarray(nTr), ret: d.ret.subarray(nTr) }

function r2(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < y.length; i++) m += y[i] / y.length
  let ssr = 0, sst = 0
  for (let i = 0; i < y.length; i++) (ssr += (y[i] - p[i]) ** 2), (sst += (y[i] - m) ** 2)
  return 1 - ssr / sst
}

async function fitPredict(model: string, head: 'p_up' | 'E_r', params: Record<string, unknown>, weighted: boolean, seed = 1): Promise<{ out: Outputs; seconds: number }> {
  const m = createModel(model, { ...params, outputs: head }, { seed })
  const rep = await m.fit({ x: xTrain, y: { label: d.label.subarray(0, nTr), ret: d.ret.subarray(0, nTr) }, ...(weighted ? { weight: d.weight.subarray(0, nTr) } : {}) })
  return { out: await m.predict(xTest), seconds: rep.seconds }
}

test('the data set is the one the fixture was made from (bit-exact regeneration)', () => {
  let xs = 0
  for (let i = 0; i < d.x.length; i++) xs += d.x[i]
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0)
  assert.deepEqual(Array.from(d.x.subarray(0, f)), fx.check.x_first_row)
  assert.ok(Math.abs(xs - fx.check.x_sum) < 1e-6, `x sum ${xs} vs ${fx.check.x_sum}`)
  assert.equal(sum(d.label), fx.check.label_sum)
  assert.ok(Math.abs(sum(d.ret) - fx.check.ret_sum) < 1e-9)
  assert.ok(Math.abs(sum(d.weight) - fx.check.weight_sum) < 1e-9)
})

for (const c of fx.forests) {
  const tol = c.metric === 'auc' ? 0.01 : 0.02
  test(`${c.name}: ${c.model} ${c.head} test ${c.metric} within ${tol} of scikit-learn's (same params)`, async () => {
    const { out, seconds } = await fitPredict(c.model, c.head, c.params, c.weighted === true)
    const ours = c.metric === 'auc' ? rocAuc(out.p_up!, yTest.label).value : r2(yTest.ret, out.E_r!)
    const lo = Math.min(...c.sklearn_seeds), hi = Math.max(...c.sklearn_seeds)
    console.log(`# ${c.name.padEnd(14)} ${c.metric} ours ${ours.toFixed(4)} sklearn ${c.sklearn.toFixed(4)} (seeds ${lo.toFixed(4)}..${hi.toFixed(4)}); fit ${seconds.toFixed(2)} s, sklearn ${c.sklearn_seconds.toFixed(2)} s`)
    // AUC: the issue's 0.01 against sklearn's (seed 0) result. R²: sklearn's own seeds spread
    // 0.017 on this set, so "close" is 0.02 from the middle of that spread.
    const ref = c.metric === 'auc' ? c.sklearn : (lo + hi) / 2
    assert.ok(Math.abs(ours - ref) <= tol, `${c.metric} ${ours} vs sklearn ${ref}`)
  })
}

/**
 * Score of a split of `rows` (x[feature] <= threshold goes left) by the criterion scikit-learn
 * uses, written independently of splitters.ts: Gini's Σ_c W_c² / W per side for labels, S² / W
 * for squared error.
 */
function splitScore(rows: number[], feature: number, threshold: number, head: 'p_up' | 'E_r', w: Float64Array | undefined): number {
  const side = [
    { W: 0, S: 0 },
    { W: 0, S: 0 },
  ]
  for (const r of rows) {
    const s = side[d.x[r * f + feature] <= threshold ? 0 : 1]
    const wr = w ? w[r] : 1
    s.W += wr
    s.S += wr * (head === 'p_up' ? d.label[r] : d.ret[r])
  }
  let score = 0
  for (const { W, S } of side) if (W > 0) score += head === 'p_up' ? (S * S + (W - S) * (W - S)) / W : (S * S) / W
  return score
}

for (const c of fx.exact) {
  test(`${c.name}: one tree without bootstrap over all features is scikit-learn's tree, up to exact ties`, async () => {
    const m = createModel('random_forest', { ...c.params, outputs: c.head }, { seed: 1 })
    const w = c.weighted ? d.weight.subarray(0, nTr) : undefined
    await m.fit({ x: xTrain, y: { label: d.label.subarray(0, nTr), ret: d.ret.subarray(0, nTr) }, ...(w ? { weight: w } : {}) })
    const a = m.save().arrays
    const ours = { feature: a[`${c.head}.feature`], threshold: a[`${c.head}.threshold`], left: a[`${c.head}.left`], right: a[`${c.head}.right`] }
    const sk = c.tree
    let same = 0, ties = 0, zeroGain = 0
    const stack: [number, number, number[]][] = [[0, 0, Array.from({ length: nTr }, (_, i) => i)]]
    while (stack.length) {
      const [o, k, rows] = stack.pop()!
      const fo = ours.feature[o], fk = sk.feature[k]
      if (fo < 0 && fk >= 0) {
        // sklearn sums a node's class weights in two orders, so a pure weighted node can show an
        // impurity of a few ulps above its EPSILON and get split for no gain; we stop there
        const none = splitScore(rows, 0, Infinity, c.head, w)
        const split = splitScore(rows, fk, sk.threshold[k], c.head, w)
        assert.ok(split - none <= 1e-9 * Math.abs(none), `node with ${rows.length} rows: ours is a leaf, sklearn splits on x${fk} and gains ${split - none}`)
        zeroGain++
        continue
      }
      if (fo < 0 || fk < 0) {
        assert.ok(fo < 0 && fk < 0, `node with ${rows.length} rows: ours ${fo < 0 ? 'leaf' : `splits on ${fo}`}, sklearn ${fk < 0 ? 'leaf' : `splits on ${fk}`}`)
        continue
      }
      if (fo === fk && ours.threshold[o] === sk.threshold[k]) {
        same++
        const l = rows.filter((r) => d.x[r * f + fo] <= sk.threshold[k])
        const rr = rows.filter((r) => d.x[r * f + fo] > sk.threshold[k])
        stack.push([ours.left[o], sk.left[k], l], [ours.right[o], sk.right[k], rr])
        continue
      }
      // a different split must score the same as sklearn's: an exact tie broken by visiting order
      const so = splitScore(rows, fo, ours.threshold[o], c.head, w)
      const sks = splitScore(rows, fk, sk.threshold[k], c.head, w)
      assert.ok(Math.abs(so - sks) <= 1e-9 * Math.abs(sks), `node with ${rows.length} rows: ours x${fo} <= ${ours.threshold[o]} scores ${so}, sklearn x${fk} <= ${sk.threshold[k]} scores ${sks}`)
      ties++
    }
    const pred = (await m.predict(xTest))[c.head]!
    let differ = 0
    for (let i = 0; i < fx.exact_rows; i++) if (Math.abs(pred[i] - c.pred[i]) > 1e-9 * (1 + Math.abs(c.pred[i]))) differ++
    console.log(`# ${c.name}: ${same} identical splits, ${ties} exact ties broken differently, ${zeroGain} zero-gain sklearn splits not made; ${differ} of ${fx.exact_rows} test predictions differ`)
    assert.ok(same >= 50, 'the trees are compared over many splits')
    assert.ok(differ <= fx.exact_rows * 0.01, `${differ} test predictions differ`)
  })
}
