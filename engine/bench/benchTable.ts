/** Print benchmark rows as an aligned table, or as JSON with --json. */
export function printTable(title: string, rows: Record<string, string | number | null>[], json: boolean): void {
  if (json) return
  if (!rows.length) return
  const cols = Object.keys(rows[0])
  const cell = (v: string | number | null) => (v === null ? '–' : typeof v === 'number' ? fmt(v) : v)
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)))
  console.log(`\n${title}`)
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(cols.map((c, i) => (typeof r[c] === 'number' ? cell(r[c]).padStart(widths[i]) : cell(r[c]).padEnd(widths[i]))).join('  '))
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)}M`
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)}k`
  if (Math.abs(v) >= 100) return v.toFixed(0)
  return v.toFixed(3)
}
