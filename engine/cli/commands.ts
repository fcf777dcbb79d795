import type { Command } from './command.ts'
import { splitsCommand } from './splits.ts'

/** Every CLI verb, in help order. A verb is one file in engine/cli/. */
export const COMMANDS: Command[] = [splitsCommand]
