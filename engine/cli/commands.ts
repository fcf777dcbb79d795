import type { Command } from './command.ts'
import { dataInspectCommand } from './dataInspect.ts'
import { dataStageCommand } from './dataStage.ts'
import { dataSynthCommand } from './dataSynth.ts'
import { labelsCommand } from './labels.ts'
import { listCommand } from './list.ts'
import { splitsCommand } from './splits.ts'

/** Every CLI verb, in help order. A verb is one file in engine/cli/. */
export const COMMANDS: Command[] = [dataInspectCommand, dataStageCommand, dataSynthCommand, labelsCommand, listCommand, splitsCommand]
