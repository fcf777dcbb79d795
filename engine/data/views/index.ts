export { featureMatrix } from './featureMatrix.ts'
export type { FeatureColumn, FeatureMatrix, FeatureMatrixOptions } from './featureMatrix.ts'
export { windowTensor } from './windowTensor.ts'
export type { WindowTensor } from './windowTensor.ts'
