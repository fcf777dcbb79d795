// Every calibrator file, imported once so that it registers itself in inferenceRegistry (category
// 'calibration'). Adding a calibrator is one file plus one line here; calibration.test.ts checks
// this list is complete and the conformance battery picks the new entry up.
import './temperature.ts'
import './isotonic.ts'
import './platt.ts'
import './beta.ts'

export { fitCalibrationChain, applyChain, saveChain, restoreChain } from './chain.ts'
export type { CalibratorRef, CalibrationChain, ChainOptions } from './chain.ts'
export { PROB_EPS, clipProb, logit, sigmoid } from './probability.ts'
