// Electron security checklist, applied to every window. Kept free of `electron` imports so it can be
// unit-tested: the caller passes the objects in.

/** Content-Security-Policy for the renderer: no remote code, no eval, workers from self/blob. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')

export const APP_SCHEME = 'app'

export function secureWebPreferences(preloadPath: string): Record<string, unknown> {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  }
}

/** Only pages we serve ourselves may talk to the engine. */
export function isTrustedSenderUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === `${APP_SCHEME}:` && u.host === 'workbench'
  } catch {
    return false
  }
}
