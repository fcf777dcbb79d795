import type { Command } from './command.ts'
import { dataInspectCommand } from './dataInspect.ts'
import { dataStageCommand } from './dataStage.ts'
import { dataSynthCommand } from './dataSynth.ts'
import { fitPredictCommand } from './fitPredict.ts'
import { labelsCommand } from './labels.ts'
import { listCommand } from './list.ts'
import { runsListCommand, runsShowCommand } from './runs.ts'
import { splitsCommand } from './splits.ts'
import { trainCommand } from './train.ts'

/** Every CLI verb, in help order. A verb is one file in engine/cli/. */
export const COMMANDS: Command[] = [dataInspectCommand, dataStageCommand, dataSynthCommand, fitPredictCommand, labelsCommand, listCommand, runsListCommand, runsShowCommand, splitsCommand, trainCommand]
