import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FactoryError, locate, unknownNameMessage } from './errors.ts'

test('FactoryError serialises code, message and details for the IPC boundary', () => {
  const e = new FactoryError('E_CSV_PARSE', 'bad', { file: 'a.csv', line: 3, column: 'close', value: 'x' })
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 'E_CSV_PARSE', message: 'bad', details: { file: 'a.csv', line: 3, column: 'close', value: 'x' } })
  assert.ok(e instanceof Error)
})

test('locate and unknownNameMessage phrase locations and choices', () => {
  assert.equal(locate({ file: 'a.csv', line: 3, column: 'close' }), "a.csv:3 column 'close': ")
  assert.equal(locate({ path: 'labels.k_up' }), 'at labels.k_up: ')
  assert.equal(unknownNameMessage('instrument', 'XX', ['ES', 'GC']), "unknown instrument 'XX'; known: ES, GC")
})
