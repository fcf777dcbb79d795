// Preload: bridges the typed FactoryApi into the sandboxed renderer as window.factory, nothing
// else. No Node globals cross the bridge; every call goes through one prefixed IPC channel and the
// main process validates the sender and parses the payload before touching the engine.
import type { FactoryApi } from '../engine/contracts/api.ts'
import { API_CHANNEL_PREFIX } from '../engine/contracts/api.ts'

interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
}
interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void
}

export function buildApi(ipc: IpcRendererLike): FactoryApi {
  return {
    info: () => ipc.invoke(`${API_CHANNEL_PREFIX}info`) as ReturnType<FactoryApi['info']>,
  }
}

export function exposeApi(contextBridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  contextBridge.exposeInMainWorld('factory', buildApi(ipc))
}
