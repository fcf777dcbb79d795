import * as ort from 'onnxruntime-node'
import { FactoryError } from '../../../contracts/errors.ts'
import type { FloatArray, Outputs, Tensor } from '../../../contracts/component.ts'
import { ONNX_INPUT } from './model.ts'

/**
 * Running exported models with onnxruntime-node. Creating a session parses and optimises the
 * model (milliseconds to seconds for large forests), so code that predicts more than once keeps an
 * OnnxPredictor; onnxPredict is the one-shot form.
 */
export class OnnxPredictor {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly numFeatures: number,
  ) {}

  static async create(bytes: Uint8Array, opts: ort.InferenceSession.SessionOptions = {}): Promise<OnnxPredictor> {
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(bytes, opts)
    } catch (e) {
      throw new FactoryError('E_FILE_FORMAT', `onnxruntime could not load the model: ${(e as Error).message}`, { value: bytes.length })
    }
    const meta = session.inputMetadata.find((m) => m.name === ONNX_INPUT)
    const dims = meta && meta.isTensor ? meta.shape : []
    const f = dims[1]
    if (typeof f !== 'number') throw new FactoryError('E_SHAPE', `ONNX model input '${ONNX_INPUT}' must be (N, f) with a fixed f; got (${dims.join(', ')})`, { value: String(dims), valid: ['(N, f)'] })
    return new OnnxPredictor(session, f)
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames
  }

  /** Every output for row-major x (n × numFeatures); Float64 input is rounded to float32 first. */
  async predict(x: Tensor): Promise<Outputs> {
    const [n, f] = x.shape
    if (x.shape.length !== 2 || f !== this.numFeatures || x.data.length !== n * f)
      throw new FactoryError('E_SHAPE', `ONNX model expects x of shape (n, ${this.numFeatures}); got (${x.shape.join(', ')}) with ${x.data.length} values`, { value: [...x.shape], valid: [`(n, ${this.numFeatures})`] })
    const data: Float32Array = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as FloatArray)
    const res = await this.session.run({ [ONNX_INPUT]: new ort.Tensor('float32', data, [n, f]) })
    const out: Record<string, Float64Array> = {}
    for (const name of this.session.outputNames) out[name] = Float64Array.from(res[name].data as Float32Array)
    return out as Outputs
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}

/** One-shot: load `bytes`, predict x, release the session. */
export async function onnxPredict(bytes: Uint8Array, x: Tensor): Promise<Outputs> {
  const p = await OnnxPredictor.create(bytes)
  try {
    return await p.predict(x)
  } finally {
    await p.release()
  }
}
