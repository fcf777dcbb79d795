// Public surface of the feature library. Plug-in feature files (e.g. mtf.ts) register themselves
// on import; import them here so that every consumer sees them.
import './builtinFeatures.ts'
import './mtf.ts'

export { computeFeatures } from './computeFeatures.ts'
export type { ComputeFeaturesOptions, FeatureMatrixColumns } from './computeFeatures.ts'
export { featureNames, getFeature, listFeatures, registerFeature, resolveParams, defaultParams } from './featureDefs.ts'
export type { FeatureContext, FeatureDef, FeatureInfo, ParamSpec, ParamValue, Params } from './featureDefs.ts'
export { FEATURE_SETS, featureSetNames, resolveFeatures } from './featureSets.ts'
export type { FeatureItem, FeatureSetConfig, FeatureSetEntry, FeaturesConfig, ResolvedFeature } from './featureSets.ts'
