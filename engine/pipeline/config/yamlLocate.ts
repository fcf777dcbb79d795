import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'

/**
 * Config paths ↔ places in the YAML text. A path that the YAML does not spell (a filled default)
 * is placed at its nearest written ancestor; an unknown key is placed at the key itself.
 */

type Seg = string | number

function keyOf(k: unknown): unknown {
  return isScalar(k) ? k.value : k
}

function startOf(n: unknown): number | undefined {
  const r = (n as Node | null)?.range
  return r ? r[0] : undefined
}

export function offsetOfPath(doc: Document, path: readonly Seg[], atKey = false): number {
  let node: unknown = doc.contents
  let best = startOf(node) ?? 0
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    if (isMap(node)) {
      const pair = node.items.find((p) => String(keyOf(p.key)) === String(seg))
      if (!pair) break
      const k = startOf(pair.key)
      if (atKey && i === path.length - 1 && k !== undefined) return k
      const v = startOf(pair.value)
      // `key:` with nothing after it has no value node worth pointing at
      best = v !== undefined && !(isScalar(pair.value) && pair.value.value === null && pair.value.range![0] === pair.value.range![1]) ? v : (k ?? best)
      node = pair.value
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg]
      best = startOf(node) ?? best
    } else break
  }
  return best
}

/** The path of the deepest node whose text contains `offset` (for syntax errors). */
export function pathAtOffset(doc: Document, offset: number): Seg[] {
  const out: Seg[] = []
  let node: unknown = doc.contents
  const inside = (n: unknown) => {
    const r = (n as Node | null)?.range
    return r != null && r[0] <= offset && offset <= r[2]
  }
  for (let guard = 0; guard < 100; guard++) {
    if (isMap(node)) {
      // the last pair starting at or before the offset owns it (a broken line belongs to the key above)
      let hit: (typeof node.items)[number] | undefined
      for (const p of node.items) if ((startOf(p.key) ?? Infinity) <= offset) hit = p
      if (!hit) break
      out.push(keyOf(hit.key) as Seg)
      if (!inside(hit.value)) break
      node = hit.value
    } else if (isSeq(node)) {
      const k = node.items.findIndex((it) => inside(it))
      if (k < 0) break
      out.push(k)
      node = node.items[k]
    } else break
  }
  return out
}

export function linePos(lc: LineCounter, offset: number): { line: number; column: number } {
  const p = lc.linePos(offset)
  return { line: p.line, column: p.col }
}
