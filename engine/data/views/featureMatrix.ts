import { FactoryError } from '../../contracts/errors.ts'

/**
 * The `feature_matrix` view: feature columns interleaved into one row-major Float32Array (n × f),
 * the layout tabular models, scalers and the window view all read. Row r holds bar index[r].
 * A row is valid iff every feature is finite after the Float32 cast — warm-up rows (NaN from
 * trailing windows) and values beyond Float32 range come out invalid rather than silently fixed.
 * Building the matrix is row-local, so it adds nothing to any feature's look-back.
 */

export interface FeatureColumn {
  name: string
  values: Float64Array | Float32Array
}

export interface FeatureMatrixOptions {
  /** first bar to include (default 0) */
  start?: number
  /** one past the last bar to include (default: column length) */
  end?: number
}

export interface FeatureMatrix {
  /** row-major n × f */
  readonly data: Float32Array
  readonly n: number
  readonly f: number
  readonly names: readonly string[]
  /** 1 where every feature of the row is finite */
  readonly valid: Uint8Array
  /** bar index of each row (contiguous: index[r] = start + r) */
  readonly index: Int32Array
}

export function featureMatrix(columns: readonly FeatureColumn[], opts: FeatureMatrixOptions = {}): FeatureMatrix {
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new FactoryError('E_SHAPE', 'featureMatrix needs at least one feature column', { path: 'columns', value: columns })
  }
  const len = columns[0].values?.length
  const seen = new Set<string>()
  columns.forEach((c, j) => {
    if (typeof c?.name !== 'string' || c.name === '' || seen.has(c.name)) {
      throw new FactoryError('E_FEATURE', `feature column ${j} needs a unique non-empty name; got ${JSON.stringify(c?.name)}`, {
        path: `columns[${j}].name`,
        value: c?.name,
        valid: ['unique non-empty string'],
      })
    }
    seen.add(c.name)
    if (!(c.values instanceof Float64Array || c.values instanceof Float32Array) || c.values.length !== len) {
      throw new FactoryError('E_SHAPE', `feature '${c.name}' has ${c.values?.length} values but '${columns[0].name}' has ${len}; every column must cover the same bars (Float64Array or Float32Array)`, {
        column: c.name,
        value: c.values?.length,
        valid: [len],
      })
    }
  })
  const start = opts.start ?? 0
  const end = opts.end ?? len
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > len || start > end) {
    throw new FactoryError('E_PARAM', `invalid bar range [${start}, ${end}) for ${len} bars`, { path: 'start/end', value: [start, end], valid: [`0 <= start <= end <= ${len}`] })
  }
  const n = end - start
  const f = columns.length
  const data = new Float32Array(n * f)
  // Column by column: each source column is read sequentially, the strided writes stay in cache.
  for (let j = 0; j < f; j++) {
    const v = columns[j].values
    for (let r = 0, o = j; r < n; r++, o += f) data[o] = v[start + r]
  }
  const valid = new Uint8Array(n)
  const index = new Int32Array(n)
  for (let r = 0; r < n; r++) {
    index[r] = start + r
    let ok = 1
    const o = r * f
    for (let j = 0; j < f; j++) {
      const x = data[o + j]
      if (x - x !== 0) { ok = 0; break }
    }
    valid[r] = ok
  }
  return { data, n, f, names: columns.map((c) => c.name), valid, index }
}
