#!/usr/bin/env node
// Runs the whole suite: the layered typecheck (a wrong import between layers is a compile error),
// then every *.test.ts under the source folders with node:test + tsx. Node 20 does not expand
// globs, so the file list is built here. Extra args filter files by substring:
//   npm test -- labels splits
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const roots = ['engine', 'main', 'preload', 'renderer', 'scripts']
const files = []
function walk(dir) {
  let entries
  try { entries = readdirSync(dir) } catch { return }
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue
    const p = join(dir, e)
    if (statSync(p).isDirectory()) walk(p)
    else if (e.endsWith('.test.ts') || e.endsWith('.test.tsx')) files.push(relative(root, p))
  }
}
for (const r of roots) walk(join(root, r))
files.sort()

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const selected = filters.length ? files.filter((f) => filters.some((s) => f.includes(s))) : files

if (!filters.length || process.argv.includes('--typecheck')) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], { cwd: root, stdio: 'inherit' })
  if (tsc.status !== 0) {
    console.error('typecheck failed')
    process.exit(tsc.status ?? 1)
  }
}
if (!selected.length) {
  console.error('no test files matched', filters)
  process.exit(1)
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...selected], { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
