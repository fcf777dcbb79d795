import { FactoryError } from '../../../contracts/errors.ts'
import { float32AtLeast, float32AtMost } from './ensemble.ts'
import type { TreeEnsemble } from './ensemble.ts'
import { PbWriter, rawDoubles } from './protobuf.ts'


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

// ONNX enum values (onnx.proto): AttributeProto.AttributeType and TensorProto.DataType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const
const DT = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const

// field numbers of the messages written here (onnx.proto)
const F_ATTR = { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, strings: 9, type: 20 } as const
const F_TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const
const F_NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const
const F_GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const
const F_MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8 } as const

type Write = (w: PbWriter) => void

const attrInt = (name: string, v: number): Write => (w) => w.string(F_ATTR.name, name).int(F_ATTR.type, ATTR.INT).int(F_ATTR.i, v)
const attrString = (name: string, v: string): Write => (w) => w.string(F_ATTR.name, name).int(F_ATTR.type, ATTR.STRING).string(F_ATTR.s, v)
const attrInts = (name: string, v: ArrayLike<number>): Write => (w) => w.string(F_ATTR.name, name).int(F_ATTR.type, ATTR.INTS).packedInts(F_ATTR.ints, v)
const attrFloats = (name: string, v: ArrayLike<number>): Write => (w) => w.string(F_ATTR.name, name).int(F_ATTR.type, ATTR.FLOATS).packedFloats(F_ATTR.floats, v)
const attrDoubles = (name: string, v: ArrayLike<number>): Write => (w) =>
  w.string(F_ATTR.name, name).int(F_ATTR.type, ATTR.TENSOR).message(F_ATTR.t, (t) => t.packedInts(F_TENSOR.dims, [v.length]).int(F_TENSOR.dataType, DT.DOUBLE).bytes(F_TENSOR.rawData, rawDoubles(v)))

/** A STRINGS attribute of per-node modes: two distinct strings, encoded once each. */
const attrModes = (name: string, leaf: Uint8Array, mode: string): Write => (w) => {
  w.string(F_ATTR.name, name).int(F_ATTR.type, ATTR.STRINGS)
  const enc = new TextEncoder()
  const words = [enc.encode(mode), enc.encode('LEAF')]
  for (let k = 0; k < leaf.length; k++) w.bytes(F_ATTR.strings, words[leaf[k]])
}

interface NodeDef {
  name: string
  opType: string
  domain?: string
  input: string[]
  output: string[]
  attributes?: Write[]
}

const writeNode = (n: NodeDef): Write => (w) => {
  for (const i of n.input) w.string(F_NODE.input, i)
  for (const o of n.output) w.string(F_NODE.output, o)
  w.string(F_NODE.name, n.name).string(F_NODE.opType, n.opType)
  for (const a of n.attributes ?? []) w.message(F_NODE.attribute, a)
  if (n.domain) w.string(F_NODE.domain, n.domain)
}

/** ValueInfoProto of a tensor: name, TypeProto.tensor_type {elem_type, shape {dim…}}. */
const valueInfo = (name: string, elemType: number, dims: (number | string)[]): Write => (w) =>
  w.string(1, name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, elemType).message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)))
      }),
    ),
  )

function ensembleNode(e: TreeEnsemble, input: string, output: string, precision: OnnxPrecision, name: string): NodeDef {
  const round = e.mode === 'BRANCH_LEQ' ? float32AtMost : float32AtLeast
  const thresholds = precision === 'float32' ? e.nodeThreshold.map((t, k) => (e.nodeLeaf[k] ? 0 : round(t))) : e.nodeThreshold
  const attributes: Write[] = [
    attrInt('n_targets', 1),
    attrString('aggregate_function', e.aggregate),
    attrString('post_transform', 'NONE'),
    attrInts('nodes_treeids', e.nodeTree),
    attrInts('nodes_nodeids', e.nodeId),
    attrInts('nodes_featureids', e.nodeFeature),
    attrModes('nodes_modes', e.nodeLeaf, e.mode),
    attrInts('nodes_truenodeids', e.nodeTrue),
    attrInts('nodes_falsenodeids', e.nodeFalse),
    attrInts('nodes_missing_value_tracks_true', e.nodeMissingTrue),
    attrInts('target_treeids', e.leafTree),
    attrInts('target_nodeids', e.leafNode),
    attrInts('target_ids', new Int32Array(e.leafNode.length)),
  ]
  if (precision === 'float64')
    attributes.push(attrDoubles('nodes_values_as_tensor', thresholds), attrDoubles('target_weights_as_tensor', e.leafWeight), attrDoubles('base_values_as_tensor', [e.base]))
  else attributes.push(attrFloats('nodes_values', thresholds), attrFloats('target_weights', e.leafWeight), attrFloats('base_values', [e.base]))
  return { name, opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', input: [input], output: [output], attributes }
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
  const nodes: NodeDef[] = []
  let treeInput = ONNX_INPUT
  if (precision === 'float64') {
    treeInput = 'x_double'
    nodes.push({ name: 'cast_x', opType: 'Cast', input: [ONNX_INPUT], output: [treeInput], attributes: [attrInt('to', DT.DOUBLE)] })
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
  const w = new PbWriter()
  w.int(F_MODEL.irVersion, 8).string(F_MODEL.producerName, 'ml-factory-workbench').string(F_MODEL.producerVersion, '1')
  if (opts.docString) w.string(F_MODEL.docString, opts.docString)
  w.message(F_MODEL.graph, (g) => {
    for (const n of nodes) g.message(F_GRAPH.node, writeNode(n))
    g.string(F_GRAPH.name, 'tree_ensemble')
    // Squeeze's axes (an input since opset 13): one int64 tensor [1]
    g.message(F_GRAPH.initializer, (t) => t.packedInts(F_TENSOR.dims, [1]).int(F_TENSOR.dataType, DT.INT64).string(F_TENSOR.name, 'axis_1').bytes(F_TENSOR.rawData, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])))
    g.message(F_GRAPH.input, valueInfo(ONNX_INPUT, DT.FLOAT, ['N', numFeatures]))
    for (const h of heads) g.message(F_GRAPH.output, valueInfo(h.output, DT.FLOAT, ['N']))
  })
  // opset imports: the default domain (Cast, Sigmoid, Squeeze) at 17, ai.onnx.ml at 3
  w.message(F_MODEL.opsetImport, (o) => o.string(1, '').int(2, 17))
  w.message(F_MODEL.opsetImport, (o) => o.string(1, 'ai.onnx.ml').int(2, 3))
  return w.finish()
}
