import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError } from '../../contracts/errors.ts'
import { computeFeatures } from './computeFeatures.ts'
import { listFeatures, registerFeature } from './featureDefs.ts'
import { syntheticBars } from './syntheticBars.ts'

// How a multi-timeframe feature plugs in: a string parameter such as {tf: '15m'} checked by the
// feature, and extra context (here a bar size) handed through computeFeatures. Registered only in
// this test process (node:test runs each file in its own process).
registerFeature<{ tf: string }>({
  name: 'demo_tf_close',
  description: 'test plug-in: the close, tagged by a timeframe',
  params: {
    tf: {
      kind: 'string',
      default: '15m',
      description: 'higher timeframe',
      check: (v, path) => {
        if (!['5m', '15m', '1h'].includes(v)) throw new FactoryError('E_PARAM', `${path}: unknown timeframe '${v}'; known: 5m, 15m, 1h`, { path, value: v, valid: ['5m', '15m', '1h'] })
      },
    },
  },
  columns: (p) => [`demo_${p.tf}_close`],
  warmup: () => 0,
  compute: (b, _p, ctx) => {
    assert.equal(ctx.baseBarMs, 60_000)
    return [b.close.slice()]
  },
})

test('a plug-in with a string parameter and extra context works through the ordinary config', () => {
  const bars = syntheticBars(50, 1)
  const out = computeFeatures(bars, { set: 'minimal', include: [{ name: 'demo_tf_close', tf: '1h' }] }, { context: { baseBarMs: 60_000 } })
  assert.equal(out.names.at(-1), 'demo_1h_close')
  assert.deepEqual(Array.from(out.columns.at(-1) ?? []), Array.from(bars.close))
  assert.ok(listFeatures().some((f) => f.name === 'demo_tf_close' && f.params[0].kind === 'string'))
  assert.throws(() => computeFeatures(bars, [{ name: 'demo_tf_close', tf: '7m' }]), (e: unknown) => e instanceof FactoryError && e.code === 'E_PARAM' && e.details.path === 'features[0].tf')
  assert.throws(() => computeFeatures(bars, [{ name: 'demo_tf_close', tf: 15 }]), (e: unknown) => e instanceof FactoryError && e.details.path === 'features[0].tf')
})

test('registering a name twice is refused', () => {
  assert.throws(() => registerFeature({ name: 'rsi', description: 'x', params: {}, columns: () => ['x'], warmup: () => 0, compute: (b) => [b.close] }), /registered twice/)
})
