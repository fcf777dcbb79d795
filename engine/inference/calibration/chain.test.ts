import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import { createInference, registerInference } from '../../registry/index.ts'
import { BaseComponent } from '../../registry/component.ts'
import { createRng } from '../../data/rng.ts'
import { ece } from '../metrics/index.ts'
import { applyChain, fitCalibrationChain, restoreChain, saveChain } from './chain.ts'
import { sigmoid } from './probability.ts'
import './index.ts'

const col = (p: Float64Array) => ({ data: p, shape: [p.length, 1] })

function world(n: number, seed: number): { p: Float64Array; y: Float64Array } {
  const rng = createRng(seed)
  const p = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const z = 1.2 * rng.normal()
    p[i] = sigmoid(2.5 * z + 0.5)
    y[i] = rng.next() < sigmoid(z) ? 1 : 0
  }
  return { p, y }
}

const CHAIN = [{ name: 'temperature_scaling' }, { name: 'isotonic' }, { name: 'platt', params: { feature: 'logit' } }]

test('chain: stage k is fitted on the outputs of stages 0..k−1 on the same rows, and applied in config order', async () => {
  const { p, y } = world(3000, 1)
  const test_ = world(500, 2).p
  const chain = await fitCalibrationChain(CHAIN, p, y)
  assert.deepEqual(chain.stages.map((s) => s.spec.name), ['temperature_scaling', 'isotonic', 'platt'])
  // the same thing by hand
  let cur = p
  let curTest = test_
  for (const ref of CHAIN) {
    const c = createInference(ref.name, ref.params ?? {})
    await c.fit({ x: col(cur), y: { label: y } })
    cur = (await c.predict(col(cur))).p_up!
    curTest = (await c.predict(col(curTest))).p_up!
  }
  assert.deepEqual(await applyChain(chain, test_), curTest)
  // order matters: the reversed chain is a different map
  const reversed = await fitCalibrationChain([...CHAIN].reverse(), p, y)
  const a = await applyChain(chain, test_)
  const b = await applyChain(reversed, test_)
  assert.ok(a.some((v, i) => v !== b[i]), 'reversing the chain changed nothing')
})

test('chain: inputs are not mutated; save → restore gives identical outputs; an empty chain is the identity (a copy)', async () => {
  const { p, y } = world(2000, 3)
  const p0 = p.slice()
  const y0 = y.slice()
  const chain = await fitCalibrationChain(CHAIN, p, y)
  const out = await applyChain(chain, p)
  assert.deepEqual([p, y], [p0, y0])
  const saved = JSON.parse(JSON.stringify(saveChain(chain).map(({ arrays, ...rest }) => ({ ...rest, arrays: Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, Array.from(v)])) }))))
  const revived = saved.map((s: { arrays: Record<string, number[]> }) => ({ ...s, arrays: Object.fromEntries(Object.entries(s.arrays).map(([k, v]) => [k, Float64Array.from(v)])) }))
  assert.deepEqual(await applyChain(restoreChain(revived), p), out)
  const empty = await fitCalibrationChain([], p, y)
  const same = await applyChain(empty, p)
  assert.deepEqual(same, p)
  assert.notEqual(same, p)
})

test('chain: a calibrated chain lowers held-out ECE on miscalibrated input', async () => {
  const { p, y } = world(4000, 4)
  const held = world(4000, 5)
  const chain = await fitCalibrationChain([{ name: 'beta_calibration' }, { name: 'temperature_scaling' }], p, y)
  const before = ece(held.p, held.y).value
  const after = ece(await applyChain(chain, held.p), held.y).value
  assert.ok(after < before / 2, `ECE ${before} → ${after}`)
})

test('chain errors name the config path: unknown name, bad params, a non-calibration method, length mismatch', async () => {
  const { p, y } = world(100, 6)
  const code = (c: string, path: string) => (e: unknown) => e instanceof FactoryError && e.code === c && JSON.stringify(e.details).includes(path)
  await assert.rejects(fitCalibrationChain([{ name: 'isotonic' }, { name: 'platypus' }], p, y), code('E_UNKNOWN_NAME', 'inference.calibrate[1].name'))
  await assert.rejects(fitCalibrationChain([{ name: 'platt', params: { feature: 'margin' } }], p, y), code('E_PARAM', 'inference.calibrate[0].params'))
  // a conformal-category entry in the calibrate list
  const spec = { name: 'zz_chain_test_conformal', description: 'test double', category: 'conformal', inputs: ['E_r'], outputs: ['uncertainty'], requiresHoldout: false, defaults: defineParams({}) } satisfies InferenceSpec
  class Dummy extends BaseComponent<typeof spec> {
    protected fitImpl() {}
    protected predictImpl() { return {} }
    protected saveState() { return { state: null } }
    protected loadState() {}
  }
  registerInference(spec, (params, opts) => new Dummy('inference', spec, params, opts))
  await assert.rejects(fitCalibrationChain([{ name: 'zz_chain_test_conformal' }], p, y), (e: unknown) => code('E_CONFIG', 'inference.calibrate[0].name')(e) && /not a calibrator/.test((e as Error).message))
  await assert.rejects(fitCalibrationChain([{ name: 'isotonic' }], p, y.subarray(1)), code('E_SHAPE', 'inference.calibrate'))
})

test('chain: cancellation reaches every stage; progress is monotone across stages and ends at 1', async () => {
  const { p, y } = world(1000, 7)
  const ac = new AbortController()
  ac.abort()
  await assert.rejects(fitCalibrationChain(CHAIN, p, y, { signal: ac.signal }), (e: unknown) => e instanceof FactoryError && e.code === 'E_CANCELLED')
  const seen: number[] = []
  await fitCalibrationChain(CHAIN, p, y, { onProgress: (i) => seen.push(i.fraction) })
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress went back: ${seen.join(', ')}`)
  assert.equal(seen.at(-1), 1)
})

test('property: calibration never reads the test span — fit on the first m rows of a buffer, perturb the rest (p and labels), same params and outputs', async () => {
  const rng = createRng(8)
  for (let trial = 0; trial < 12; trial++) {
    const N = 600 + rng.int(600)
    const m = 300 + rng.int(N - 350)
    const { p, y } = world(N, 100 + trial)
    const fitOn = async (pp: Float64Array, yy: Float64Array) => {
      const chain = await fitCalibrationChain(CHAIN, pp.subarray(0, m), yy.subarray(0, m))
      return { saved: saveChain(chain), out: await applyChain(chain, Float64Array.from({ length: 101 }, (_, i) => i / 100)) }
    }
    const a = await fitOn(p, y)
    const pp = p.slice()
    const yy = y.slice()
    for (let i = m; i < N; i++) {
      pp[i] = rng.next()
      yy[i] = 1 - yy[i]
    }
    const b = await fitOn(pp, yy)
    assert.deepEqual(b.saved, a.saved, `trial ${trial}: fitted params changed when rows ≥ ${m} changed`)
    assert.deepEqual(b.out, a.out)
    // and the rows do matter: changing a fit row changes the fit (the test can fail)
    const pc = p.slice()
    for (let i = 0; i < m; i += 2) pc[i] = 1 - pc[i]
    assert.notDeepEqual((await fitOn(pc, y)).saved, a.saved)
  }
})
