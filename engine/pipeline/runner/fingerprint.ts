import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Bars } from '../../data/bars.ts'

/**
 * The run's data fingerprint: `sha256=<hex of the file bytes> bars=<n> first=<ISO> last=<ISO>`.
 * The file hash pins the exact input (compressed bytes for .gz: what the user has on disk); bar
 * count and range pin what the data stage made of it (resampling, dropped rows), so two runs with
 * equal fingerprints saw the same bars.
 */
export async function dataFingerprint(file: string, bars: Pick<Bars, 'length' | 'ts'>): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? 'none' : new Date(ms).toISOString())
  return `sha256=${hash.digest('hex')} bars=${bars.length} first=${iso(bars.ts[0])} last=${iso(bars.ts[bars.length - 1])}`
}
