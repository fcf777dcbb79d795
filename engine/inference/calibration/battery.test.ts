import { test } from 'node:test'
import assert from 'node:assert/strict'
import { defineParams } from '../../contracts/params.ts'
import type { InferenceSpec } from '../../contracts/specs.ts'
import type { JsonObject, JsonValue, NumericArray, Tensor } from '../../contracts/component.ts'
import type { PluginState } from '../../registry/component.ts'
import { BaseComponent } from '../../registry/component.ts'
import { runChecks } from '../../test/conformance/checks.ts'
import { INFERENCE_CHECKS, inferenceSubject } from '../../test/conformance/inferenceBattery.ts'
import { CALIBRATION_SPEC, Calibrator } from './calibrator.ts'
import type { CalibrationData } from './calibrator.ts'
import { sigmoid, logit } from './probability.ts'

// The inference battery's checks can fail: deliberately broken calibrators, each caught by the
// check named for its fault (and a sound one passes them all). Not registered: subjects are built
// from the factories directly.

const spec = { name: 'zz_broken', description: 'test double', ...CALIBRATION_SPEC, defaults: defineParams({}) } satisfies InferenceSpec

/** A sound temperature-like map σ(k·logit p) with k fitted crudely by grid search. */
class Sound extends Calibrator<typeof spec> {
  protected k = new Float64Array([1])
  protected fitMap({ p, y }: CalibrationData): JsonObject {
    let best = Infinity
    for (let k = 0.05; k <= 2; k += 0.01) {
      let l = 0
      for (let i = 0; i < p.length; i++) {
        const q = sigmoid(k * logit(p[i]))
        l -= y[i] ? Math.log(q) : Math.log(1 - q)
      }
      if (l < best) (best = l), (this.k = Float64Array.of(k))
    }
    return {}
  }
  protected applyMap(p: Float64Array): Float64Array {
    return Float64Array.from(p, (v) => sigmoid(this.k[0] * logit(v)))
  }
  protected saveState(): PluginState {
    return { state: {}, arrays: { k: this.k.slice() } }
  }
  protected loadState(_s: JsonValue, arrays: Record<string, NumericArray>): void {
    this.k = (arrays.k as Float64Array).slice()
  }
}

class Identity extends Sound {
  protected override applyMap(p: Float64Array): Float64Array {
    return p.slice()
  }
}

/** save() hands out its live weights, which a later refit overwrites in place. */
class LiveSave extends Sound {
  protected override fitMap(d: CalibrationData): JsonObject {
    const k = this.k
    const r = super.fitMap(d)
    k[0] = this.k[0]
    this.k = k
    return r
  }
  protected override saveState(): PluginState {
    return { state: {}, arrays: { k: this.k } }
  }
}

/** Reads the whole underlying buffer of its input (rows beyond its view included). */
class Leaky extends BaseComponent<typeof spec> {
  private k = 1
  protected fitImpl(data: { x: Tensor }): void {
    const all = new Float64Array(data.x.data.buffer as ArrayBuffer)
    let s = 0
    for (const v of all) s += v
    this.k = 1 + (s % 1) * 1e-3
  }
  protected predictImpl(x: Tensor) {
    return { p_up: Float64Array.from(x.data, (v) => sigmoid(this.k * logit(v))) }
  }
  protected saveState(): PluginState {
    return { state: { k: this.k } }
  }
  protected loadState(s: JsonValue): void {
    this.k = (s as { k: number }).k
  }
}

async function failures(make: new (...a: ConstructorParameters<typeof Sound>) => BaseComponent<typeof spec>): Promise<string[]> {
  const build = (params: unknown, opts?: { seed?: number }) => new make('inference', spec, params, opts)
  const subject = inferenceSubject(spec, build, {}, (saved) => {
    const c = build(saved.config.params, { seed: saved.config.seed })
    c.load(saved)
    return c
  })
  const results = await runChecks(INFERENCE_CHECKS, subject)
  return results.filter((r) => r.status === 'fail').map((r) => r.check.split(':')[0])
}

test('a sound calibrator passes every inference check', async () => {
  assert.deepEqual(await failures(Sound), [])
})

test('identity map: the ECE check fails', async () => {
  assert.ok((await failures(Identity)).includes('calibration'))
})

test('save returning live arrays: the save/load snapshot check fails', async () => {
  assert.ok((await failures(LiveSave)).includes('save → JSON + copied arrays → load'))
})

test('reading past its rows: the "fit reads only its own rows" check fails', async () => {
  const f = await failures(Leaky)
  assert.ok(f.includes('fit reads only its own rows'), f.join(' | '))
})
