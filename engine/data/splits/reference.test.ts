import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { FactoryError } from '../../contracts/errors.ts'
import { purgedWalkForward, type WalkForwardOptions } from './walkForward.ts'
import { combinatorialPurgedCV, type CpcvOptions } from './cpcv.ts'
import { innerValidationSplit } from './innerValidation.ts'
import { assertNoLeakage } from './audit.ts'

// Fixtures come from scripts/fixtures/splits_reference.py, a numpy re-implementation of the rules
// in spec.ts built from boolean masks (not this code's pointer walk). Exact equality is required.

interface Case<C> {
  name: string
  cfg: C
  labelEnd: number[]
  expected: { error?: string; inner?: unknown[]; folds?: unknown[]; [k: string]: unknown }
}

function load<C>(file: string): Case<C>[] {
  const doc = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { cases: Case<C>[] }
  assert.ok(doc.cases.length >= 5, `${file} has too few cases`)
  return doc.cases
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x))

function checkInner(c: Case<{ purge?: number }>, labelEnd: Int32Array, folds: { train: { start: number; end: number }[] }[]): void {
  const inner = c.expected.inner as unknown[]
  assert.equal(inner.length, folds.length)
  folds.forEach((fd, k) => {
    assert.deepEqual(plain(innerValidationSplit(fd.train, labelEnd, 0.2, c.cfg.purge ?? 60)), inner[k], `${c.name} fold ${k} inner validation`)
  })
}

for (const c of load<WalkForwardOptions>('walk_forward.json')) {
  test(`walk-forward matches the numpy reference: ${c.name}`, () => {
    const labelEnd = Int32Array.from(c.labelEnd)
    if (c.expected.error) {
      assert.throws(() => purgedWalkForward(labelEnd, c.cfg), (e: unknown) => e instanceof FactoryError && e.code === c.expected.error)
      return
    }
    const plan = purgedWalkForward(labelEnd, c.cfg)
    assert.deepEqual(plain(plan.finalTest), c.expected.finalTest)
    assert.deepEqual(plain(plan.development), c.expected.development)
    assert.equal(plan.folds.length, c.expected.folds!.length)
    plan.folds.forEach((fd, k) => assert.deepEqual(plain(fd), c.expected.folds![k], `${c.name} fold ${k}`))
    checkInner(c, labelEnd, plan.folds)
    assertNoLeakage(plan.folds, labelEnd, { purge: plan.settings.purge, embargo: plan.settings.embargo, finalTest: plan.finalTest })
  })
}

for (const c of load<CpcvOptions>('cpcv.json')) {
  test(`CPCV matches the numpy reference: ${c.name}`, () => {
    const labelEnd = Int32Array.from(c.labelEnd)
    if (c.expected.error) {
      assert.throws(() => combinatorialPurgedCV(labelEnd, c.cfg), (e: unknown) => e instanceof FactoryError && e.code === c.expected.error)
      return
    }
    const plan = combinatorialPurgedCV(labelEnd, c.cfg)
    assert.deepEqual(plain(plan.finalTest), c.expected.finalTest)
    assert.deepEqual(plain(plan.development), c.expected.development)
    assert.deepEqual(plain(plan.groups), c.expected.groups)
    assert.deepEqual(plan.paths, c.expected.paths)
    assert.equal(plan.folds.length, c.expected.folds!.length)
    plan.folds.forEach((fd, k) => assert.deepEqual(plain(fd), c.expected.folds![k], `${c.name} split ${k}`))
    checkInner(c, labelEnd, plan.folds)
    assertNoLeakage(plan.folds, labelEnd, { purge: plan.settings.purge, embargo: plan.settings.embargo, finalTest: plan.finalTest })
  })
}
