// The conformance battery over every registry entry (STYLE.md "Plug-ins"): a plug-in file that
// registers itself and is imported by its index gets these tests without writing any. The checks
// live in engine/test/conformance/ (one battery per kind, battery.ts); brokenModels.test.ts
// proves each check can fail.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ComponentKind } from '../contracts/specs.ts'
import { BATTERIES, REGISTRIES } from './conformance/battery.ts'
import '../models/index.ts'

const modelsDir = new URL('../models/', import.meta.url).pathname

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) return sources(p)
    return e.endsWith('.ts') && !e.endsWith('.test.ts') ? [p] : []
  })
}

test('every model file that registers itself is imported by engine/models/index.ts', () => {
  const index = readFileSync(join(modelsDir, 'index.ts'), 'utf8')
  const imported = new Set([...index.matchAll(/import\s+'\.\/([^']+)'/g)].map((m) => m[1]))
  const registering = sources(modelsDir)
    .filter((p) => /\bregisterModel\(/.test(readFileSync(p, 'utf8')))
    .map((p) => relative(modelsDir, p))
  assert.ok(registering.length > 0)
  for (const file of registering) assert.ok(imported.has(file), `${file} calls registerModel but engine/models/index.ts does not import it, so it is in no registry`)
})

for (const kind of Object.keys(REGISTRIES) as ComponentKind[]) {
  const battery = BATTERIES[kind]
  const registry = REGISTRIES[kind]
  if (!battery) {
    test(`${kind}: no battery yet, so the ${registry.kind} registry must be empty`, () => {
      assert.deepEqual(registry.names(), [], `${registry.kind} entries ${registry.names().join(', ')} have no conformance battery; add one in engine/test/conformance/battery.ts`)
    })
    continue
  }
  test(`${kind}: the registry is not empty`, () => assert.ok(battery.names().length > 0))
  for (const name of battery.names()) {
    describe(`${kind} '${name}'`, () => {
      for (const c of battery.checksFor(name)) test(c.name, c.skip !== undefined ? { skip: c.skip } : {}, c.run)
    })
  }
}
