import { FactoryError, unknownNameMessage } from '../contracts/errors.ts'

/**
 * The one registry: a name → {spec, factory} table that plug-in files fill at import time and
 * that the config validator, the composer palette and `factory list` read. Capabilities are
 * queried from the specs (filter), never by inspecting implementations.
 */

export interface RegistryEntry<Spec, Factory> {
  readonly spec: Spec
  readonly factory: Factory
  /**
   * Why this entry cannot run on this machine (e.g. a native library is missing), or undefined when
   * it can. The conformance battery skips with this reason; the validator and palette can refuse
   * or grey it out. Probed lazily, never at registration.
   */
  readonly unavailable?: () => string | undefined
}

export interface RegisterOptions {
  unavailable?: () => string | undefined
}

export interface RegistryOptions<Spec> {
  /** problems with a spec, empty when well formed; a non-empty list refuses the registration */
  check?: (spec: Spec) => string[]
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x)
    Object.freeze(v)
  }
  return v
}

export class Registry<Spec extends { name: string }, Factory> {
  /** what the entries are called in messages: 'model', 'ensemble', … */
  readonly kind: string
  private readonly entries = new Map<string, RegistryEntry<Spec, Factory>>()
  private readonly check: ((spec: Spec) => string[]) | undefined

  constructor(kind: string, opts: RegistryOptions<Spec> = {}) {
    this.kind = kind
    this.check = opts.check
  }

  /**
   * Add an entry. The spec is copied through JSON and frozen, so what `list()` returns is exactly
   * what crosses the IPC and the plug-in cannot change its declared capabilities later.
   */
  register(spec: Spec, factory: Factory, opts: RegisterOptions = {}): void {
    const name = spec?.name
    if (typeof factory !== 'function')
      throw new FactoryError('E_REGISTRY', `${this.kind} '${name}' must be registered with a factory function`, { value: name })
    if (this.entries.has(name))
      throw new FactoryError('E_REGISTRY', `${this.kind} '${name}' is already registered; each name may be registered once`, { value: name })
    const copy = JSON.parse(JSON.stringify(spec)) as Spec
    const problems = this.check ? this.check(copy) : []
    if (problems.length)
      throw new FactoryError('E_REGISTRY', `invalid ${this.kind} spec '${name}': ${problems.join('; ')}`, { value: name, problems })
    this.entries.set(name, deepFreeze({ spec: deepFreeze(copy), factory, ...(opts.unavailable ? { unavailable: opts.unavailable } : {}) }))
  }

  has(name: string): boolean {
    return this.entries.has(name)
  }

  /** The entry, or E_UNKNOWN_NAME "unknown model 'lgbm'; known: lightgbm, logistic". */
  get(name: string, path?: string): RegistryEntry<Spec, Factory> {
    const e = this.entries.get(name)
    if (e) return e
    const known = this.names()
    throw new FactoryError('E_UNKNOWN_NAME', unknownNameMessage(this.kind, String(name), known.length ? known : ['(none registered)']), {
      value: name,
      valid: known,
      ...(path !== undefined ? { path } : {}),
    })
  }

  spec(name: string, path?: string): Spec {
    return this.get(name, path).spec
  }

  names(): string[] {
    return [...this.entries.keys()].sort()
  }

  /** Specs sorted by name, optionally only those matching a capability predicate. */
  list(filter?: (spec: Spec) => boolean): Spec[] {
    const out: Spec[] = []
    for (const n of this.names()) {
      const s = this.entries.get(n)!.spec
      if (!filter || filter(s)) out.push(s)
    }
    return out
  }

  get size(): number {
    return this.entries.size
  }
}
