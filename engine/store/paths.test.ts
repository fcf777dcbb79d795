import { test } from 'node:test'
import assert from 'node:assert/strict'
import { defaultDataDir, resolveDbPath } from './paths.ts'

test('default store location follows each platform\'s per-user data folder', () => {
  const home = '/home/ana'
  assert.equal(resolveDbPath(undefined, { env: {}, platform: 'linux', home }), '/home/ana/.local/share/ml-factory/runs.sqlite')
  assert.equal(resolveDbPath(undefined, { env: { XDG_DATA_HOME: '/data/x' }, platform: 'linux', home }), '/data/x/ml-factory/runs.sqlite')
  // the XDG spec says to ignore a relative XDG_DATA_HOME
  assert.equal(defaultDataDir({ env: { XDG_DATA_HOME: 'rel/x' }, platform: 'linux', home }), '/home/ana/.local/share/ml-factory')
  assert.equal(resolveDbPath(undefined, { env: {}, platform: 'darwin', home: '/Users/ana' }), '/Users/ana/Library/Application Support/ml-factory/runs.sqlite')
  assert.equal(resolveDbPath(undefined, { env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ana' }), 'C:\\Users\\ana\\AppData\\Roaming\\ml-factory\\runs.sqlite')
  assert.equal(defaultDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\ana' }), 'C:\\Users\\ana\\AppData\\Roaming\\ml-factory')
})

test('an explicit --db path beats FACTORY_DB, which beats the default', () => {
  const where = { env: { FACTORY_DB: '/tmp/env.sqlite', XDG_DATA_HOME: '/data' }, platform: 'linux' as const, home: '/h' }
  assert.equal(resolveDbPath('/tmp/cli.sqlite', where), '/tmp/cli.sqlite')
  assert.equal(resolveDbPath(undefined, where), '/tmp/env.sqlite')
  assert.equal(resolveDbPath('', where), '/tmp/env.sqlite')
})
