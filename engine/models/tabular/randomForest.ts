import { registerModel } from '../../registry/index.ts'
import { ForestModel, forestSpec } from './forest/forestModel.ts'

/**
 * scikit-learn's RandomForestClassifier (Gini) for p_up and RandomForestRegressor (squared error)
 * for E_r: bootstrap samples, √f features tried per split by default, each split the best exact
 * threshold among them. Trees and parameters are shared with extra_trees (forest/).
 */
const spec = forestSpec('random_forest', 'Random forest (scikit-learn semantics): bootstrapped CART trees, best split over max_features features; heads p_up (Gini), E_r (squared error)', true)

registerModel(spec, (params, opts) => new ForestModel('best', spec, params, opts))
