export { Scaler, standardScaler, robustScaler, SCALER_TYPES } from './scaler.ts'
export type { ScalerParams, ScalerOptions, ScalerType } from './scaler.ts'
export { percentileInPlace } from './columnStats.ts'
export type { RowRange, Matrix } from './columnStats.ts'
