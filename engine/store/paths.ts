import { homedir } from 'node:os'
import path from 'node:path'

/**
 * Where the run store lives. Precedence: an explicit path (the CLI's --db), then env FACTORY_DB,
 * then the platform's per-user data folder, so runs from the app and the CLI land in one place.
 */

export const APP_DIR = 'ml-factory'
export const DB_FILE = 'runs.sqlite'

export interface PathEnv {
  env?: Readonly<Record<string, string | undefined>>
  platform?: NodeJS.Platform
  home?: string
}

/** Per-user data folder of the app (not created here). */
export function defaultDataDir({ env = process.env, platform = process.platform, home = homedir() }: PathEnv = {}): string {
  if (platform === 'win32') {
    const base = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming')
    return path.win32.join(base, APP_DIR)
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR)
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share')
  return path.posix.join(base, APP_DIR)
}

export function resolveDbPath(explicit?: string, where: PathEnv = {}): string {
  if (explicit) return explicit
  const env = where.env ?? process.env
  if (env.FACTORY_DB) return env.FACTORY_DB
  const dir = defaultDataDir(where)
  return (where.platform ?? process.platform) === 'win32' ? path.win32.join(dir, DB_FILE) : path.posix.join(dir, DB_FILE)
}
