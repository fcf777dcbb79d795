// Entry loaded by Electron as the window's preload script (sandboxed: only `electron` is requirable).
import { contextBridge, ipcRenderer } from 'electron'
import { exposeApi } from './preload.ts'

exposeApi(contextBridge, ipcRenderer)
