import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import type { onnx as OnnxNamespace } from 'onnx-proto'
import { addBranch, addLeaf, emptyEnsemble, finishEnsemble } from './ensemble.ts'
import { buildOnnxModel } from './model.ts'
import { PbWriter } from './protobuf.ts'

// the protobufjs-generated ONNX classes, as an independent decoder/encoder of our hand-written bytes
const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace }

test('scalar, negative int64, packed and nested fields encode byte-for-byte as protobufjs does', () => {
  const ours = new PbWriter()
    .string(1, 'x')
    .int(20, 2)
    .int(3, -5)
    .float(2, 0.1)
    .packedInts(8, [0, 1, 127, 128, 300, 2 ** 40, -1])
    .packedFloats(7, [1.5, -0.1])
    .message(5, (t) => t.packedInts(1, [3]).int(2, 11))
    .finish()
  const ref = onnx.AttributeProto.encode({ name: 'x', type: 2, i: -5, f: 0.1, ints: [0, 1, 127, 128, 300, 2 ** 40, -1], floats: [1.5, -0.1], t: { dims: [3], dataType: 11 } }).finish()
  // field order differs between the two writers, so compare what each decodes to
  const a = onnx.AttributeProto.toObject(onnx.AttributeProto.decode(ours), { longs: Number })
  const b = onnx.AttributeProto.toObject(onnx.AttributeProto.decode(ref), { longs: Number })
  assert.deepEqual(a, b)
  assert.equal(a.i, -5)
  assert.deepEqual(a.ints, [0, 1, 127, 128, 300, 2 ** 40, -1])
})

test('an exported model decodes to the documented graph: Cast → TreeEnsembleRegressor → Sigmoid → Squeeze, opsets 17 and ml 3', () => {
  const e = emptyEnsemble('BRANCH_LEQ', 'SUM', 0.25, 'sigmoid', 3, 2)
  addBranch(e, 0, 0, 2, 0.5, 1, 2, true)
  addLeaf(e, 0, 1, -1)
  addLeaf(e, 0, 2, 1)
  const bytes = buildOnnxModel([{ output: 'p_up', ensemble: finishEnsemble(e, 1) }], 4, { docString: 'doc' })
  const m = onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, bytes: String }) as OnnxNamespace.IModelProto & { graph: OnnxNamespace.IGraphProto }
  assert.equal(m.irVersion, 8)
  assert.deepEqual(m.opsetImport!.map((o) => [o.domain ?? '', o.version]), [['', 17], ['ai.onnx.ml', 3]])
  assert.deepEqual(m.graph.node!.map((n) => n.opType), ['Cast', 'TreeEnsembleRegressor', 'Sigmoid', 'Squeeze'])
  const tree = m.graph.node![1]
  assert.equal(tree.domain, 'ai.onnx.ml')
  const attr = Object.fromEntries(tree.attribute!.map((a) => [a.name, a]))
  assert.deepEqual(attr.nodes_featureids.ints, [2, 0, 0])
  assert.deepEqual(attr.nodes_missing_value_tracks_true.ints, [1, 0, 0])
  assert.deepEqual((attr.nodes_modes.strings as unknown as string[]).map((s) => Buffer.from(s, 'base64').toString()), ['BRANCH_LEQ', 'LEAF', 'LEAF'])
  const t = attr.target_weights_as_tensor.t!
  assert.equal(t.dataType, 11)
  const raw = Buffer.from(t.rawData as unknown as string, 'base64')
  assert.deepEqual(Array.from(new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length))), [-1, 1])
  const x = m.graph.input![0].type!.tensorType!
  assert.equal(x.elemType, 1)
  assert.deepEqual(x.shape!.dim!.map((d) => d.dimParam || d.dimValue), ['N', 4])
  assert.deepEqual(m.graph.output!.map((o) => o.name), ['p_up'])
})
