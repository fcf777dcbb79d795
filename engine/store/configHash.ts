import { createHash } from 'node:crypto'

/** sha256 of a config's YAML text: the key run_configs files it under. Kept free of SQLite so the config loader does not load the native module. */
export function configHash(yaml: string): string {
  return createHash('sha256').update(yaml).digest('hex')
}
