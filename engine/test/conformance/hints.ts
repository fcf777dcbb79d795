import type { ModelHint } from './modelBattery.ts'

/**
 * Speed hints for the conformance battery, by registry name: smaller settings that exercise the
 * same code paths (e.g. fewer trees or epochs). Add one line when a new plug-in makes the battery
 * slow; never use a hint to dodge a check. Entries without a hint run with their defaults on
 * DEFAULT_DATA (modelData.ts). A list runs the battery once per variant; together the variants
 * must produce every output the spec declares (checked).
 */
export const MODEL_HINTS: Readonly<Record<string, ModelHint | readonly ModelHint[]>> = {
  lightgbm: [
    { label: 'outputs=p_up', params: { n_estimators: 30 } },
    { label: 'outputs=all', params: { n_estimators: 30, outputs: 'all' } },
  ],
  xgboost: [
    { label: 'outputs=p_up', params: { n_estimators: 30 } },
    { label: 'outputs=all', params: { n_estimators: 30, outputs: 'all' } },
  ],
  catboost: [
    { label: 'outputs=p_up', params: { iterations: 30 } },
    { label: 'outputs=all', params: { iterations: 30, outputs: 'all' } },
  ],
  random_forest: [{ label: 'outputs=p_up', params: { n_estimators: 10 } }, { label: 'outputs=p_up+E_r', params: { n_estimators: 10, outputs: 'p_up+E_r' } }],
  extra_trees: [{ label: 'outputs=p_up', params: { n_estimators: 10 } }, { label: 'outputs=p_up+E_r', params: { n_estimators: 10, outputs: 'p_up+E_r' } }],
  xgboost_native: [{ label: 'outputs=p_up', params: { n_estimators: 30 } }, { label: 'outputs=p_up+E_r', params: { n_estimators: 30, outputs: 'p_up+E_r' } }],
}
