// Every model file, imported once so that it registers itself in modelRegistry. Adding a model is
// one file plus one line here; the YAML schema, the palette, `factory list` and the conformance
// battery (engine/test/conformance.test.ts, which also checks this list is complete) follow.
import './tabular/logistic.ts'
import './tabular/lightgbm.ts'
import './tabular/xgboost.ts'
import './tabular/catboost.ts'
import './tabular/xgboostNative.ts'
import './tabular/randomForest.ts'
import './tabular/extraTrees.ts'
