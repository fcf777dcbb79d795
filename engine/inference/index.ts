// Importing this module registers every inference method (calibrators, conformal methods) in the
// inference registry. One line per family index.
import './calibration/index.ts'
import './conformal/index.ts'
