import { OUTPUT_NAMES } from '../../engine/contracts/outputs.ts'

// The workbench shell. Panels (composer, YAML, runs, plots, data, bundles) arrive with their issues.
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>ML Factory Workbench</h1>
      <p>Outputs every pipeline can produce: {OUTPUT_NAMES.join(', ')}</p>
    </main>
  )
}
