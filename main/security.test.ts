import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isTrustedSenderUrl, RENDERER_CSP, secureWebPreferences } from './security.ts'

test('web preferences follow the Electron security checklist', () => {
  const p = secureWebPreferences('/x/preload.js')
  assert.equal(p.sandbox, true)
  assert.equal(p.contextIsolation, true)
  assert.equal(p.nodeIntegration, false)
  assert.equal(p.webSecurity, true)
})

test('only the app:// origin is a trusted IPC sender', () => {
  assert.equal(isTrustedSenderUrl('app://workbench/index.html'), true)
  assert.equal(isTrustedSenderUrl('https://evil.example/'), false)
  assert.equal(isTrustedSenderUrl('file:///etc/passwd'), false)
  assert.equal(isTrustedSenderUrl('not a url'), false)
})

test('CSP forbids remote scripts and eval', () => {
  assert.match(RENDERER_CSP, /script-src 'self'(;|$)/)
  assert.doesNotMatch(RENDERER_CSP, /unsafe-eval/)
})
