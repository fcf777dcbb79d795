#!/usr/bin/env node
// The `factory` command. The engine is TypeScript run through tsx (no build step for the CLI).
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../engine/cli.ts')
process.exitCode = await main(process.argv.slice(2))
