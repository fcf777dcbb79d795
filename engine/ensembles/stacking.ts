import { defineParams } from '../contracts/params.ts'
import type { EnsembleSpec } from '../contracts/specs.ts'
import { registerEnsemble } from '../registry/index.ts'
import { META_PARAMS, MetaEnsemble } from './metaEnsemble.ts'

/**
 * Stacking: a meta-learner (ridge | logistic | elastic_net) trained on the members' OUT-OF-FOLD
 * predictions, so it learns how far to trust each member from predictions none of them made on
 * its own training data. Meta-features: each member's value of the head's output (logit of p_up
 * for the logistic and elastic-net p_up heads, raw p_up for ridge's linear-probability head, E_r
 * as is), plus regime probabilities with use_regime.
 *
 * The meta-level must not leak either. The runner fits this component twice over:
 *   - nested: `stackingOof` (stackingOof.ts) refits it per walk-forward fold k on the OOF rows of
 *     folds before k, purged against fold k's test span by label end, and predicts fold k — the
 *     ensemble's own honest OOF series, which its OOF metrics and any calibrator are fitted on;
 *   - final: on every OOF row of the development region (`finalMetaRows`), to predict the final
 *     test span from the members' final-refit predictions.
 */

const spec = {
  name: 'stacking',
  description: 'meta-learner (ridge, logistic, elastic net) on out-of-fold member predictions, with nested purged OOF',
  method: 'stacking',
  metaLearner: 'logistic',
  requiresOof: true,
  supportsHeterogeneous: true,
  inputs: ['p_up'],
  outputs: ['p_up', 'E_r'],
  defaults: defineParams({ ...META_PARAMS }),
} satisfies EnsembleSpec

registerEnsemble(spec, (params, opts) => new MetaEnsemble(spec, params, opts))
