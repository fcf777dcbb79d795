import { migration as m001 } from './001_init.ts'

/**
 * Numbered, forward-only schema migrations. Never edit one that has shipped (its checksum is
 * recorded when applied and checked on every open); add `00N_what.ts` and list it here.
 */
export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [m001]
