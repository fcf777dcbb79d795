import { registerModel } from '../../registry/index.ts'
import { ForestModel, forestSpec } from './forest/forestModel.ts'

/**
 * scikit-learn's ExtraTreesClassifier (Gini) for p_up and ExtraTreesRegressor (squared error) for
 * E_r: every tree sees all rows (bootstrap off by default) and each of max_features features
 * gets one threshold drawn uniformly between its node min and max; the best of those splits wins.
 * Trees and parameters are shared with random_forest (forest/).
 */
const spec = forestSpec('extra_trees', 'Extremely randomised trees (scikit-learn semantics): one random threshold per tried feature, no bootstrap by default; heads p_up (Gini), E_r (squared error)', false)

registerModel(spec, (params, opts) => new ForestModel('random', spec, params, opts))
