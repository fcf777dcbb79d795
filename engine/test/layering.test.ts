// Second line of defence behind the per-layer tsconfigs: read every import specifier and check the
// dependency direction of DESIGN.md (renderer → contracts ← preload/main → engine).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

function sources(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue
      const p = join(d, e)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(ts|tsx)$/.test(e) && !e.endsWith('.d.ts')) out.push(p)
    }
  }
  walk(join(root, dir))
  return out
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8')
  const out: string[] = []
  for (const m of src.matchAll(IMPORT_RE)) out.push(m[1] ?? m[2] ?? m[3])
  return out
}

const rel = (f: string) => relative(root, f)

test('engine/ never imports electron, react or UI code', () => {
  const bad: string[] = []
  for (const f of sources('engine')) {
    for (const s of imports(f)) {
      if (/^(electron|react|react-dom|zustand|@xyflow\/|monaco-editor|echarts)(\/|$)/.test(s)) bad.push(`${rel(f)} → ${s}`)
      if (s.startsWith('.')) {
        const target = rel(resolve(dirname(f), s))
        if (!target.startsWith('engine/')) bad.push(`${rel(f)} → ${s}`)
      }
    }
  }
  assert.deepEqual(bad, [])
})

test('engine/contracts is pure: no Node built-ins, no other engine code', () => {
  const bad: string[] = []
  for (const f of sources('engine/contracts')) {
    if (f.endsWith('.test.ts')) continue
    for (const s of imports(f)) {
      if (s.startsWith('node:') || /^(fs|path|os|child_process|worker_threads|zlib|better-sqlite3)$/.test(s)) bad.push(`${rel(f)} → ${s}`)
      if (s.startsWith('.') && !rel(resolve(dirname(f), s)).startsWith('engine/contracts/')) bad.push(`${rel(f)} → ${s}`)
    }
  }
  assert.deepEqual(bad, [])
})

test('renderer/ and preload/ see only engine/contracts', () => {
  const bad: string[] = []
  for (const f of [...sources('renderer'), ...sources('preload')]) {
    for (const s of imports(f)) {
      if (!s.startsWith('.')) continue
      const target = rel(resolve(dirname(f), s))
      if (target.startsWith('engine/') && !target.startsWith('engine/contracts/')) bad.push(`${rel(f)} → ${s}`)
      if (target.startsWith('main/')) bad.push(`${rel(f)} → ${s}`)
    }
  }
  assert.deepEqual(bad, [])
})

test('the checker itself catches a forbidden import', () => {
  // (built by concatenation so that text searches for engine→electron imports do not match this line)
  const fake = 'import { app } from ' + "'electron'" + "\nimport x from '../engine/data/bars.ts'\n"
  const found = [...fake.matchAll(IMPORT_RE)].map((m) => m[1])
  assert.deepEqual(found, ['electron', '../engine/data/bars.ts'])
})
