// Shared by the runner's tests: small synthetic bar files and a config builder.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthBars } from '../../../data/synthetic/index.ts'
import { writeBarsCsv } from '../../../data/csvWrite.ts'
import type { Bars } from '../../../data/bars.ts'
import type { BaseModelConfig, PipelineConfig } from '../../config/types.ts'

export const N_BARS = 5000

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function baseBars(seed = 3, n = N_BARS): Bars {
  return synthBars({ kind: 'planted', bars: n, seed, startPrice: 20_000, tickSize: 0.01 })
}

/**
 * The same bars with prices in [from, to) multiplied by a smooth factor that is 1 at both ends
 * (to = length: it need not return), so the series stays free of jumps the validator would flag.
 */
export function perturbBars(b: Bars, from: number, to: number, amp = 0.01): Bars {
  const c = { ...b, open: b.open.slice(), high: b.high.slice(), low: b.low.slice(), close: b.close.slice() }
  for (let i = from; i < to; i++) {
    const k = 1 + amp * Math.sin((Math.PI * (i - from)) / Math.max(1, Math.min(to - from, 400)))
    const r = (v: number) => Math.round(v * k * 100) / 100
    c.open[i] = r(b.open[i])
    c.close[i] = r(b.close[i])
    c.high[i] = Math.max(r(b.high[i]), c.open[i], c.close[i])
    c.low[i] = Math.min(r(b.low[i]), c.open[i], c.close[i])
  }
  return c
}

export async function writeBars(dir: string, name: string, bars: Bars): Promise<string> {
  const file = join(dir, `${name}.csv`)
  await writeBarsCsv(file, bars)
  return file
}

export const LIN: BaseModelConfig = { id: 'lin', name: 'runner_test_linear', params: { l2: 50 } }
export const WIN: BaseModelConfig = { id: 'win', name: 'runner_test_window', params: { l2: 50 }, lookback: 12 }

export function testConfig(file: string, over: Partial<PipelineConfig> = {}): PipelineConfig {
  return {
    name: 'runner_test',
    seed: 7,
    device: 'auto',
    data: { file, instrument: 'BTCUSDT' },
    features: 'standard',
    regime: false,
    labels: { horizon: 20, cost_ticks: 100 },
    splits: { method: 'walk_forward', mode: 'expanding', folds: 3, purge: 20, embargo: 40, test_fraction: 0.2 },
    base_models: [LIN, WIN],
    ensemble: null,
    inference: null,
    policy: null,
    bundle: { create: false },
    ...over,
  }
}
