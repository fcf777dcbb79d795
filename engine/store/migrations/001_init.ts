import type { Migration } from './index.ts'

/**
 * The first schema. Conventions: times are INTEGER epoch ms UTC; JSON columns are TEXT checked
 * with json_valid; tables are STRICT so a wrong type is an error, not a silent affinity cast.
 *
 * Volume: a 1-minute year is 525,600 bars; one row per (bar, model, output) would be millions of
 * rows per run. Per-bar series (oof_predictions, equity) are therefore stored as one row per
 * (run, model/source, output, fold) holding little-endian typed-array BLOBs: values in f32 or f64
 * as given, bar indices as i32 — or NULL when they are the contiguous run first_index..+n−1,
 * which they are for every walk-forward fold — and bar open times as f64 when given.
 */
export const migration: Migration = {
  version: 1,
  name: 'init',
  sql: `
-- YAML configs by content hash (sha256 hex of the text); many runs may share one.
CREATE TABLE run_configs (
  hash        TEXT PRIMARY KEY,
  yaml        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE runs (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('queued','running','finished','failed','cancelled','interrupted')),
  created_at        INTEGER NOT NULL,
  started_at        INTEGER,
  finished_at       INTEGER,
  config_hash       TEXT REFERENCES run_configs(hash),
  seed              INTEGER,
  backend           TEXT,             -- numeric backend used: tensorflow | wasm | cpu
  device            TEXT,
  data_fingerprint  TEXT,
  error             TEXT CHECK (error IS NULL OR json_valid(error)),     -- {code, message, details}
  summary           TEXT CHECK (summary IS NULL OR json_valid(summary)), -- headline metrics etc.
  -- the process that owns a queued/running run; on open, runs whose owner is gone are marked
  -- interrupted (a live owner, e.g. the app training while the CLI lists runs, is left alone)
  owner_pid         INTEGER,
  owner_host        TEXT
) STRICT;
CREATE INDEX runs_status ON runs(status);

-- Fold layout of a run: role 'cv' for walk-forward folds, 'final' for the refit on the untouched
-- test span. train/test are JSON lists of half-open bar-index ranges [{start, end}].
CREATE TABLE folds (
  run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  fold         INTEGER NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('cv','final')),
  train        TEXT NOT NULL CHECK (json_valid(train)),
  test         TEXT NOT NULL CHECK (json_valid(test)),
  train_count  INTEGER NOT NULL,
  test_count   INTEGER NOT NULL,
  purged       INTEGER,
  embargoed    INTEGER,
  PRIMARY KEY (run_id, fold)
) STRICT;

-- Out-of-fold (role cv) and final-test (role final) predictions of each pipeline node per output.
CREATE TABLE oof_predictions (
  run_id       INTEGER NOT NULL,
  model        TEXT NOT NULL,        -- pipeline node: base model name, 'ensemble', …
  output       TEXT NOT NULL,        -- p_up | E_r | q05 | …
  fold         INTEGER NOT NULL,
  dtype        TEXT NOT NULL CHECK (dtype IN ('f32','f64')),
  n            INTEGER NOT NULL CHECK (n >= 0),
  first_index  INTEGER NOT NULL,     -- bar index of the first value
  bar_index    BLOB,                 -- i32[n]; NULL = contiguous first_index .. first_index+n-1
  ts           BLOB,                 -- f64[n] bar open times; NULL when not recorded
  value        BLOB NOT NULL,        -- dtype[n]
  PRIMARY KEY (run_id, model, output, fold),
  FOREIGN KEY (run_id, fold) REFERENCES folds(run_id, fold) ON DELETE CASCADE
) STRICT;

CREATE TABLE metrics (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  scope   TEXT NOT NULL CHECK (scope IN ('train','valid','fold','oof','test')),
  fold    INTEGER,                   -- NULL for run-level scopes
  model   TEXT,                      -- NULL for the pipeline's final output
  output  TEXT,
  name    TEXT NOT NULL,             -- auc, accuracy, log_loss, brier, ece, mae, ic, pinball, coverage, …
  value   REAL                       -- NULL when undefined (NaN)
) STRICT;
CREATE UNIQUE INDEX metrics_key ON metrics(run_id, scope, ifnull(fold, -1), ifnull(model, ''), ifnull(output, ''), name);

-- Files a run wrote (paths relative to the run's artifact folder or absolute).
CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,         -- preproc | schema | weights | metrics | signature | meta_model | calibrator | …
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes       INTEGER NOT NULL CHECK (bytes >= 0),
  created_at  INTEGER NOT NULL,
  UNIQUE (run_id, path)
) STRICT;

-- Reliability diagram of a probability output: one row per bin.
CREATE TABLE reliability_bins (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  scope      TEXT NOT NULL CHECK (scope IN ('oof','test')),
  model      TEXT NOT NULL,          -- node, e.g. 'lightgbm', 'ensemble', 'ensemble+isotonic'
  output     TEXT NOT NULL DEFAULT 'p_up',
  bin        INTEGER NOT NULL,
  lower      REAL NOT NULL,          -- bin edges in probability
  upper      REAL NOT NULL,
  count      INTEGER NOT NULL,
  mean_pred  REAL,                   -- mean predicted probability in the bin (NULL if empty)
  frac_pos   REAL,                   -- observed frequency of the positive class
  PRIMARY KEY (run_id, scope, model, output, bin)
) STRICT;

-- Empirical coverage of prediction intervals, overall (regime NULL) or per regime.
CREATE TABLE coverage (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  scope       TEXT NOT NULL CHECK (scope IN ('oof','test')),
  model       TEXT NOT NULL,         -- node whose interval is measured
  method      TEXT NOT NULL,         -- conformal method or 'raw_quantiles'
  nominal     REAL NOT NULL,         -- target coverage 1 - alpha
  empirical   REAL NOT NULL,
  mean_width  REAL,
  n           INTEGER NOT NULL,
  regime      INTEGER                -- regime id for conditional coverage; NULL = all bars
) STRICT;
CREATE UNIQUE INDEX coverage_key ON coverage(run_id, scope, model, method, nominal, ifnull(regime, -1));

-- Exported deploy bundles; a bundle outlives its run row.
CREATE TABLE bundles (
  id               INTEGER PRIMARY KEY,
  run_id           INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  path             TEXT NOT NULL UNIQUE,
  manifest_sha256  TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
  bytes            INTEGER,
  created_at       INTEGER NOT NULL,
  verified_at      INTEGER,
  verify_status    TEXT CHECK (verify_status IS NULL OR verify_status IN ('ok','failed')),
  manifest         TEXT CHECK (manifest IS NULL OR json_valid(manifest))
) STRICT;

-- Drift detected while monitoring a bundle (or a run's test span).
CREATE TABLE drift_events (
  id           INTEGER PRIMARY KEY,
  bundle_id    INTEGER REFERENCES bundles(id) ON DELETE CASCADE,
  run_id       INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  detected_at  INTEGER NOT NULL,     -- wall-clock time of detection
  bar_ts       INTEGER,              -- open time of the bar at which drift was flagged
  detector     TEXT NOT NULL,        -- psi | ks | adwin | page_hinkley | …
  feature      TEXT,                 -- feature or output monitored; NULL = whole model
  statistic    REAL,
  threshold    REAL,
  severity     TEXT NOT NULL CHECK (severity IN ('info','warn','alert')),
  details      TEXT CHECK (details IS NULL OR json_valid(details))
) STRICT;
CREATE INDEX drift_events_bundle ON drift_events(bundle_id, detected_at);

-- Equity curves of policies/strategies, one BLOB series per (run, scope, source), as oof_predictions.
CREATE TABLE equity (
  run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  scope        TEXT NOT NULL CHECK (scope IN ('oof','test')),
  source       TEXT NOT NULL,        -- policy name or rule, e.g. 'ppo', 'threshold_0.55'
  n            INTEGER NOT NULL CHECK (n >= 0),
  first_index  INTEGER NOT NULL,
  bar_index    BLOB,                 -- i32[n]; NULL = contiguous
  ts           BLOB,                 -- f64[n]
  equity       BLOB NOT NULL,        -- f64[n] cumulative net P&L in account currency, after costs
  position     BLOB,                 -- f32[n] position held after each bar, in [-1, 1]
  PRIMARY KEY (run_id, scope, source)
) STRICT;
`,
}
