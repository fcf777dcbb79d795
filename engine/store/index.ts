// The run store's public surface: open a store, then use its typed methods (see runStore.ts).
export { openRunStore, RunStore, configHash } from './runStore.ts'
export type { OpenStoreOptions, CreateRunInput } from './runStore.ts'
export type { OofWrite, OofSeries } from './results.ts'
export { defaultDataDir, resolveDbPath, APP_DIR, DB_FILE } from './paths.ts'
export { MIGRATIONS } from './migrations/index.ts'
