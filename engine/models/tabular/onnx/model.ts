import { createRequire } from 'node:module'
import type { onnx as OnnxNamespace } from 'onnx-proto'
import { FactoryError } from '../../../contracts/errors.ts'
import { float32AtLeast, float32AtMost } from './ensemble.ts'
import type { TreeEnsemble } from './ensemble.ts'

// onnx-proto is CommonJS whose namespace Node's ESM loader cannot see as a named export
const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace }
type Attr = OnnxNamespace.IAttributeProto
type Node = OnnxNamespace.INodeProto
const A = onnx.AttributeProto.AttributeType
const DT = onnx.TensorProto.DataType

/**
 * How the ensemble computes inside the ONNX graph.
 * - 'float64' (default): the float32 input is cast to double (exact), and TreeEnsembleRegressor
 *   runs its double kernel with thresholds, leaf weights and the base score as double tensors
 *   (`*_as_tensor`, ai.onnx.ml opset 3): every split decision equals the engine's for any input,
 *   scores are summed in double, and only the ensemble's float32 output rounds (|error| ≤ half an
 *   ulp of the result, ≤ 4e-6 while |score| < 128).
 * - 'float32': plain float attributes (smaller model, for runtimes without the double kernel).
 *   Thresholds are rounded in the direction that keeps every float32 input's decision exact
 *   (largest float32 ≤ t for <=, smallest ≥ t for <); leaf weights and the sum are float32, so
 *   scores drift by about T·ulp(leaf) over T trees.
 */
export type OnnxPrecision = 'float64' | 'float32'
export const ONNX_PRECISIONS: readonly OnnxPrecision[] = ['float64', 'float32']

export interface OnnxHead {
  /** the graph output's name, e.g. 'p_up' */
  output: string
  ensemble: TreeEnsemble
}

export interface OnnxModelOptions {
  precision?: OnnxPrecision
  /** model_doc_string / producer details */
  docString?: string
}

/** Name of the single graph input: a float32 tensor of shape (N, numFeatures). */
export const ONNX_INPUT = 'x'

const ints = (name: string, v: readonly number[]): Attr => ({ name, type: A.INTS, ints: v as number[] })
const floats = (name: string, v: readonly number[]): Attr => ({ name, type: A.FLOATS, floats: v as number[] })
const int = (name: string, v: number): Attr => ({ name, type: A.INT, i: v })
const str = (name: string, v: string): Attr => ({ name, type: A.STRING, s: Buffer.from(v) })
const strs = (name: string, v: readonly string[]): Attr => ({ name, type: A.STRINGS, strings: v.map((s) => Buffer.from(s)) })
const doubles = (name: string, v: readonly number[]): Attr => ({ name, type: A.TENSOR, t: { dims: [v.length], dataType: DT.DOUBLE, doubleData: v as number[] } })

function valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxNamespace.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } }
}

function ensembleNode(e: TreeEnsemble, input: string, output: string, precision: OnnxPrecision, name: string): Node {
  const round = e.mode === 'BRANCH_LEQ' ? float32AtMost : float32AtLeast
  const thresholds = precision === 'float32' ? e.nodeThreshold.map((t, k) => (e.nodeLeaf[k] ? 0 : round(t))) : e.nodeThreshold
  const attribute: Attr[] = [
    int('n_targets', 1),
    str('aggregate_function', e.aggregate),
    str('post_transform', 'NONE'),
    ints('nodes_treeids', e.nodeTree),
    ints('nodes_nodeids', e.nodeId),
    ints('nodes_featureids', e.nodeFeature),
    strs('nodes_modes', e.nodeLeaf.map((l) => (l ? 'LEAF' : e.mode))),
    ints('nodes_truenodeids', e.nodeTrue),
    ints('nodes_falsenodeids', e.nodeFalse),
    ints('nodes_missing_value_tracks_true', e.nodeMissingTrue),
    ints('target_treeids', e.leafTree),
    ints('target_nodeids', e.leafNode),
    ints('target_ids', new Array<number>(e.leafNode.length).fill(0)),
  ]
  if (precision === 'float64')
    attribute.push(doubles('nodes_values_as_tensor', thresholds), doubles('target_weights_as_tensor', e.leafWeight), doubles('base_values_as_tensor', [e.base]))
  else attribute.push(floats('nodes_values', thresholds), floats('target_weights', e.leafWeight), floats('base_values', [e.base]))
  return { name, opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', input: [input], output: [output], attribute }
}

/**
 * One ONNX model holding one TreeEnsembleRegressor per head, all reading the input `x`
 * (float32, N × numFeatures) and each writing a float32 output of shape (N) named after its head.
 * A sigmoid head gets an ONNX Sigmoid node rather than post_transform LOGISTIC, whose meaning for a
 * one-target regressor is runtime-specific (onnxruntime ignores it there).
 */
export function buildOnnxModel(heads: readonly OnnxHead[], numFeatures: number, opts: OnnxModelOptions = {}): Uint8Array {
  const precision = opts.precision ?? 'float64'
  if (!ONNX_PRECISIONS.includes(precision))
    throw new FactoryError('E_PARAM', `unknown ONNX precision '${String(precision)}'; valid: ${ONNX_PRECISIONS.join(', ')}`, { path: 'precision', value: String(precision), valid: [...ONNX_PRECISIONS] })
  if (heads.length === 0) throw new FactoryError('E_CONFIG', 'an ONNX model needs at least one head; got none', { value: 0 })
  const nodes: Node[] = []
  let treeInput = ONNX_INPUT
  if (precision === 'float64') {
    treeInput = 'x_double'
    nodes.push({ name: 'cast_x', opType: 'Cast', input: [ONNX_INPUT], output: [treeInput], attribute: [int('to', DT.DOUBLE)] })
  }
  for (const { output, ensemble } of heads) {
    const raw = `${output}_score`
    nodes.push(ensembleNode(ensemble, treeInput, raw, precision, `trees_${output}`))
    let col = raw
    if (ensemble.link === 'sigmoid') {
      col = `${output}_prob`
      nodes.push({ name: `sigmoid_${output}`, opType: 'Sigmoid', input: [raw], output: [col] })
    }
    nodes.push({ name: `squeeze_${output}`, opType: 'Squeeze', input: [col, 'axis_1'], output: [output] })
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'ml-factory-workbench',
    producerVersion: '1',
    docString: opts.docString ?? '',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: {
      name: 'tree_ensemble',
      node: nodes,
      initializer: [{ name: 'axis_1', dims: [1], dataType: DT.INT64, int64Data: [1] }],
      input: [valueInfo(ONNX_INPUT, DT.FLOAT, ['N', numFeatures])],
      output: heads.map((h) => valueInfo(h.output, DT.FLOAT, ['N'])),
    },
  })
  return onnx.ModelProto.encode(model).finish()
}
