// Meta-learners: plain solvers (each matching its scikit-learn estimator) and the head wrapper the
// stacking and blending ensembles fit. Not registry entries: an ensemble picks one by its
// `meta_learner` param (see engine/ensembles/README.md).
export { fitRidge } from './ridge.ts'
export { fitLogisticL2 } from './logistic.ts'
export { fitElasticNet, fitLogisticElasticNet } from './elasticNet.ts'
export type { ElasticNetOptions } from './elasticNet.ts'
export type { LinearFit } from './linalg.ts'
export {
  META_LEARNERS, P_CLIP, checkLearner, fitMetaModel, logit, metaModelFromJson, metaModelToJson, predictMetaModel, transformsFor, unsupportedHead,
} from './metaModel.ts'
export type { ColumnTransform, MetaHead, MetaLearnerName, MetaModel, MetaParams } from './metaModel.ts'
