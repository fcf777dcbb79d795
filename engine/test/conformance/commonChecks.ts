import assert from 'node:assert/strict'
import type { Component, FitData, Outputs, SavedComponent, Targets, Tensor } from '../../contracts/component.ts'
import { OUTPUT_RANGES } from '../../contracts/outputs.ts'
import type { AnyOutputName } from '../../contracts/outputs.ts'
import { assertSameOutputs, expectCode, roundTrip } from './checks.ts'
import type { Check } from './checks.ts'

/**
 * Checks that read the same for every kind of component (model, inference, ensemble). Each battery
 * builds them with how its subject exposes the shared fitted instance and, where the data differ,
 * how to perturb it; the check names are fixed here so reports stay comparable across batteries.
 */

export interface CommonSubject {
  data: { train: FitData; test: Tensor }
  make(seed?: number): Component
  restore(saved: SavedComponent): Component
}

/** The subject's memoised fitted instance and its test predictions. */
export type FittedOf<S> = (s: S) => Promise<{ component: Component; out: Outputs }>

export function determinismCheck<S extends CommonSubject>(fitted: FittedOf<S>): Check<S> {
  return {
    name: 'determinism: one seed gives bit-identical predictions (fresh instances, refit, repeated predict)',
    async run(s) {
      const { component, out } = await fitted(s)
      const other = s.make()
      await other.fit(s.data.train)
      assertSameOutputs(out, await other.predict(s.data.test), 'a second instance with the same seed')
      assertSameOutputs(out, await component.predict(s.data.test), 'predicting twice with one fitted instance')
      await other.fit(s.data.train)
      assertSameOutputs(out, await other.predict(s.data.test), 'a refit of the same instance')
    },
  }
}

/** `refit` gives training data with other targets (and values) so a live-weights "snapshot" would show. */
export function saveLoadCheck<S extends CommonSubject>(refit: (s: S) => FitData): Check<S> {
  return {
    name: 'save → JSON + copied arrays → load: bit-identical predictions, unaffected by a later refit',
    async run(s) {
      const m = s.make()
      await m.fit(s.data.train)
      const before = await m.predict(s.data.test)
      const saved = m.save()
      const trip = roundTrip(saved)
      const direct = s.make(trip.config.seed)
      direct.load(trip)
      assertSameOutputs(before, await direct.predict(s.data.test), 'load() into a fresh instance')
      assertSameOutputs(before, await s.restore(roundTrip(saved)).predict(s.data.test), 'restoreComponent()')
      // the saved object must be a snapshot, not the live weights
      await m.fit(refit(s))
      const late = s.make(saved.config.seed)
      late.load(saved)
      assertSameOutputs(before, await late.predict(s.data.test), 'loading the saved object after the original was refitted')
    },
  }
}

export function notFittedCheck<S extends CommonSubject>(): Check<S> {
  return {
    name: 'not fitted: predict and save throw E_NOT_FITTED',
    async run(s) {
      await expectCode('predict before fit', () => s.make().predict(s.data.test), 'E_NOT_FITTED')
      await expectCode('save before fit', () => s.make().save(), 'E_NOT_FITTED')
    },
  }
}

/**
 * Pre-aborted fit and predict, then an abort at the first progress report. A closed-form fit may
 * report nothing until its final 1.0 (then it was already done); any earlier report must be
 * followed by a cancellation point before the fit completes.
 */
export function cancellationCheck<S extends CommonSubject>(fitted: FittedOf<S>): Check<S> {
  return {
    name: 'cancellation: an aborted fit or predict throws E_CANCELLED; aborting at an intermediate progress report leaves no fitted state',
    async run(s) {
      const done = new AbortController()
      done.abort()
      await expectCode('fit with an aborted signal', () => s.make().fit(s.data.train, { signal: done.signal }), 'E_CANCELLED')
      const { component } = await fitted(s)
      await expectCode('predict with an aborted signal', () => component.predict(s.data.test, { signal: done.signal }), 'E_CANCELLED')
      const ac = new AbortController()
      const m = s.make()
      let first: number | undefined
      const err = await m.fit(s.data.train, { signal: ac.signal, onProgress: (p) => (first ??= p.fraction, ac.abort()) }).then(
        () => undefined,
        (e: unknown) => e,
      )
      if (first !== undefined && first < 1) {
        assert.ok(err !== undefined, `fit ran to the end after being aborted at its progress report ${first}; call ctx.progress or ctx.throwIfAborted again before finishing`)
        await expectCode('the aborted fit', () => Promise.reject(err), 'E_CANCELLED')
        await expectCode('predict after a cancelled first fit', () => m.predict(s.data.test), 'E_NOT_FITTED')
      } else assert.equal(err, undefined, 'a fit aborted only at its final report must still succeed')
    },
  }
}

/** The training set as views into larger buffers whose `extra` rows beyond the fit rows hold `fill`. */
export function asViews(train: FitData & { x: Tensor; y: Targets }, extra: number, fill: (i: number) => number): FitData {
  const view = (a: Float64Array | Float32Array, per: number): Float64Array => {
    const buf = new Float64Array(a.length + extra * per)
    buf.set(a)
    for (let i = a.length; i < buf.length; i++) buf[i] = fill(i)
    return buf.subarray(0, a.length)
  }
  const per = train.x.shape.slice(1).reduce((a, b) => a * b, 1)
  const y: Record<string, Float64Array> = {}
  for (const [k, v] of Object.entries(train.y)) y[k] = view(v, 1)
  return { ...train, x: { data: view(train.x.data, per), shape: train.x.shape }, y }
}

/** `fill` is the value pattern written past the fit rows (chosen to be valid input for the kind). */
export function ownRowsCheck<S extends CommonSubject & { data: { train: FitData & { x: Tensor; y: Targets } } }>(fitted: FittedOf<S>, fill: (i: number) => number): Check<S> {
  return {
    name: 'fit reads only its own rows: data given as views into larger buffers, the rest perturbed, gives the same state',
    async run(s) {
      const { component, out } = await fitted(s)
      const other = s.make()
      await other.fit(asViews(s.data.train, 50, fill))
      assert.deepEqual(roundTrip(other.save()).state, roundTrip(component.save()).state, 'saved state differs when the buffer beyond the fit rows changes')
      assertSameOutputs(out, await other.predict(s.data.test), 'fit on views with perturbed tails')
    },
  }
}

/**
 * The instance's outputs are a non-empty subset of the spec's, predictions carry exactly those,
 * one finite value per row within OUTPUT_RANGES. (Ordering of quantiles is each battery's own.)
 */
export function assertDeclaredOutputs(outputs: readonly AnyOutputName[], specOutputs: readonly AnyOutputName[], out: Outputs, n: number): void {
  assert.ok(outputs.length > 0 && outputs.every((o) => specOutputs.includes(o)), `instance outputs [${outputs.join(', ')}] are not a non-empty subset of spec.outputs`)
  assert.deepEqual(Object.keys(out).sort(), [...outputs].sort(), 'predictions differ from the instance\'s declared outputs')
  for (const name of outputs) {
    const col = out[name]!
    assert.equal(col.length, n, `'${name}' has ${col.length} values for ${n} rows`)
    const [lo, hi] = OUTPUT_RANGES[name]
    for (let i = 0; i < n; i++) {
      const v = col[i]
      assert.ok(Number.isFinite(v), `'${name}' is ${v} at row ${i}`)
      assert.ok((lo === null || v >= lo) && (hi === null || v <= hi), `'${name}' = ${v} at row ${i} is outside [${lo ?? '-∞'}, ${hi ?? '∞'}]`)
    }
  }
}

/** One instance fitted on first use and shared by a subject's read-only checks (fitting is the slow part). */
export function memoFitted<C extends Component>(make: () => C, train: FitData, test: Tensor): () => Promise<{ c: C; out: Outputs }> {
  let memo: Promise<{ c: C; out: Outputs }> | undefined
  return () =>
    (memo ??= (async () => {
      const c = make()
      await c.fit(train)
      return { c, out: await c.predict(test) }
    })())
}
