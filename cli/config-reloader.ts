import { unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import { toWeftError, type Logger } from '../src/index.ts';
import type { Config } from './config.ts';
import type { CliIO } from './io.ts';

/** The settings `weft start` applies while running; any other change waits for a restart. */
export const LIVE_KEYS: readonly (keyof Config)[] = ['logLevel', 'backlogLimit'];

/** Options of `watchConfigFile`. */
export interface ConfigReloaderOptions {
  readonly io: CliIO;
  /** The configuration as running now. */
  readonly current: Config;
  /** Reads the configuration again (the same layers and flags as at start). */
  readonly load: () => Config;
  /** Applies the live settings of a new configuration. */
  readonly apply: (next: Config) => void;
  readonly logger: Logger;
  /** How often the file is checked (default 500 ms; polling, so an editor's rename is seen too). */
  readonly intervalMs?: number;
}

/**
 * Watches weft.config.yaml (or WEFT_CONFIG) while an engine runs: when it changes, the
 * configuration is read and validated again; the live settings (log level, backlog limit) are
 * applied at once and logged, a change of any other key is logged as needing a restart, and an
 * invalid file keeps the running settings (logged with the reason). Returns the function that stops.
 */
export function watchConfigFile(options: ConfigReloaderOptions): () => void {
  const path = resolve(options.io.cwd, options.io.env.WEFT_CONFIG ?? 'weft.config.yaml');
  let current = options.current;
  const reload = (): void => {
    let next: Config;
    try {
      next = options.load();
    } catch (thrown) {
      options.logger.warn({ err: toWeftError(thrown), file: path }, 'configuration file is invalid: keeping the running settings');
      return;
    }
    const changed = (Object.keys({ ...current, ...next }) as (keyof Config)[]).filter((key) => JSON.stringify(current[key]) !== JSON.stringify(next[key]));
    if (changed.length === 0) return;
    const live = changed.filter((key) => LIVE_KEYS.includes(key));
    const later = changed.filter((key) => !LIVE_KEYS.includes(key));
    options.apply(next);
    current = { ...current, ...Object.fromEntries(live.map((key) => [key, next[key]])) };
    if (live.length > 0) options.logger.info({ file: path, applied: Object.fromEntries(live.map((key) => [key, next[key] ?? null])) }, 'configuration reloaded');
    if (later.length > 0) options.logger.warn({ file: path, keys: later }, 'configuration changed: these keys take effect at the next start');
  };
  watchFile(path, { interval: options.intervalMs ?? 500, persistent: false }, reload);
  return () => unwatchFile(path, reload);
}
