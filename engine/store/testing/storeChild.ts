// A separate process for the store's crash and concurrency tests (crash.test.ts):
//   kill-mid-write DB  — starts a run, commits its fold and OOF, then opens a write transaction,
//                        prints "ready" from inside it and spins until SIGKILLed.
//   writer DB N        — commits N small runs, one transaction each, then prints "done".
import { writeSync } from 'node:fs'
import { openRunStore } from '../runStore.ts'

const [mode, file, count] = process.argv.slice(2)
const store = openRunStore({ path: file })

if (mode === 'kill-mid-write') {
  const run = store.createRun({ name: 'doomed', status: 'running', seed: 1, configYaml: 'seed: 1\n' })
  store.saveFolds(run.id, [{ fold: 0, role: 'cv', train: [{ start: 0, end: 100 }], test: [{ start: 100, end: 200 }] }])
  const values = new Float64Array(100).map((_, i) => i / 100)
  store.saveOof(run.id, { model: 'm', output: 'p_up', fold: 0, barIndex: new Int32Array(100).map((_, i) => 100 + i), values })
  store.transaction(() => {
    store.saveMetrics(run.id, [{ scope: 'oof', fold: null, model: 'm', output: 'p_up', name: 'auc', value: 0.5 }])
    writeSync(1, `ready ${run.id}\n`)
    for (;;) {
      // hold the write transaction open until the parent kills this process
    }
  })
} else if (mode === 'writer') {
  for (let i = 0; i < Number(count); i++) {
    const run = store.createRun({ name: `w${i}`, status: 'running' })
    store.saveMetrics(run.id, [{ scope: 'test', fold: null, model: null, output: null, name: 'i', value: i }])
    store.setRunStatus(run.id, 'finished', { summary: { i } })
  }
  store.close()
  writeSync(1, 'done\n')
} else {
  throw new Error(`unknown mode '${mode}'`)
}
