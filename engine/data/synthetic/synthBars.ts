import { FactoryError, unknownNameMessage } from '../../contracts/errors.ts'
import type { Bars } from '../bars.ts'
import { SYNTH_KINDS } from './options.ts'
import type { SynthKind } from './options.ts'
import { plantedBars } from './planted.ts'
import type { PlantedOptions } from './planted.ts'
import { randomWalkBars } from './randomWalk.ts'
import type { RandomWalkOptions } from './randomWalk.ts'
import { regimeBars } from './regime.ts'
import type { RegimeOptions } from './regime.ts'

/**
 * One entry point for configs and the CLI: `synthBars({ kind: 'planted', bars: 525_600, seed: 7 })`.
 * The result is a Bars (feed it anywhere bars go) that also carries the generator's ground truth:
 * `expectedReturn` for planted, `states` (and the chain) for regime.
 */

export type SynthOptions =
  | ({ kind: 'random_walk' } & RandomWalkOptions)
  | ({ kind: 'planted' } & PlantedOptions)
  | ({ kind: 'regime' } & RegimeOptions)

export interface SynthBars extends Bars {
  readonly kind: SynthKind
  readonly seed: number
  readonly expectedReturn?: Float64Array
  readonly states?: Uint8Array
  readonly stateSigmas?: readonly number[]
  readonly transition?: readonly (readonly number[])[]
  readonly stationary?: readonly number[]
}

export function synthBars(options: SynthOptions): SynthBars {
  if (options === null || typeof options !== 'object') {
    throw new FactoryError('E_PARAM', `synthetic options must be an object with kind, bars and seed; got ${JSON.stringify(options)}`, {
      value: options,
      valid: SYNTH_KINDS,
    })
  }
  const { kind, ...rest } = options as unknown as { kind: unknown } & Record<string, unknown>
  switch (kind) {
    case 'random_walk':
      return { ...randomWalkBars(rest as unknown as RandomWalkOptions), kind, seed: options.seed }
    case 'planted':
      return { ...plantedBars(rest as unknown as PlantedOptions), kind, seed: options.seed }
    case 'regime':
      return { ...regimeBars(rest as unknown as RegimeOptions), kind, seed: options.seed }
    default:
      throw new FactoryError('E_UNKNOWN_NAME', unknownNameMessage('synthetic kind', String(kind), SYNTH_KINDS), {
        path: 'kind',
        value: kind,
        valid: SYNTH_KINDS,
      })
  }
}
