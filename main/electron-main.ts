// Electron main process: one window on the app:// protocol, the security checklist applied, and the
// typed API served over prefixed IPC channels. The engine itself runs in plain Node (later issues
// move training into a utilityProcess); nothing here knows about models.
import { app, BrowserWindow, ipcMain, protocol, net, session, type IpcMainInvokeEvent } from 'electron'
import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { API_CHANNEL_PREFIX, type EngineInfo } from '../engine/contracts/api.ts'
import { APP_SCHEME, RENDERER_CSP, isTrustedSenderUrl, secureWebPreferences } from './security.ts'

const root = join(import.meta.dirname, '..')
const rendererDist = join(root, 'renderer', 'dist')

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])

function assertTrusted(e: IpcMainInvokeEvent): void {
  const url = e.senderFrame?.url ?? ''
  if (!isTrustedSenderUrl(url)) throw new Error(`refused IPC from untrusted sender '${url}'`)
}

function registerApi(): void {
  ipcMain.handle(`${API_CHANNEL_PREFIX}info`, (e): EngineInfo => {
    assertTrusted(e)
    return { name: 'ML Factory Workbench', version: app.getVersion(), host: 'electron' }
  })
}

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'ML Factory Workbench',
    webPreferences: secureWebPreferences(join(root, 'out', 'preload', 'index.cjs')),
  })
  win.once('ready-to-show', () => win.show())
  win.webContents.on('will-navigate', (ev) => ev.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  await win.loadURL(`${APP_SCHEME}://workbench/index.html`)
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (ev) => ev.preventDefault())
  contents.on('will-navigate', (ev) => ev.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } })
  })
  protocol.handle(APP_SCHEME, (req) => {
    const { pathname } = new URL(req.url)
    const file = normalize(join(rendererDist, decodeURIComponent(pathname)))
    if (!file.startsWith(rendererDist + sep)) return new Response('forbidden', { status: 403 })
    return net.fetch(pathToFileURL(file).toString())
  })
  registerApi()
  await createWindow()
})

app.on('window-all-closed', () => app.quit())
