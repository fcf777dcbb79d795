// Importing this module registers every built-in plug-in (models, ensembles, inference, policies,
// features). The CLI, the runner and the hosts import it once; a plug-in file is added to its
// family's index and appears everywhere (palette, YAML schema enums, `factory list`).
import './data/features/index.ts'
import './models/index.ts'
import './inference/index.ts'
import './ensembles/index.ts'
export { listAll } from './registry/index.ts'
