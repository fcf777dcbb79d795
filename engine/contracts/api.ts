// The one typed API between the UI and the engine. The Electron preload (IPC) and the loopback
// browser host (HTTP/WebSocket) both implement it; the renderer consumes only this interface.
// It grows with each issue; every method returns plain JSON-serialisable data.
import type { SerializedError } from './errors.ts'

export const API_CHANNEL_PREFIX = 'factory:' as const

export interface EngineInfo {
  name: string
  version: string
  /** where the engine runs: 'electron' desktop shell or the loopback 'browser-host' */
  host: 'electron' | 'browser-host'
}

export interface FactoryApi {
  info(): Promise<EngineInfo>
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError }
