import { hostname } from 'node:os';
import { stringify } from 'yaml';
import { EngineRegistry, isValueStore, type ListedEngine } from '../../src/index.ts';
import { redactStoreUrl } from '../../src/store/index.ts';
import { loadConfig } from '../config.ts';
import type { CliIO } from '../io.ts';
import { renderTable, type OutputFormat } from '../print.ts';
import { configIO } from '../supervisor/config-io.ts';
import { requestSupervisor } from '../supervisor/control-client.ts';
import type { SupervisorSnapshot } from '../supervisor/supervisor.ts';
import { runDirOf } from '../supervisor/run-dir.ts';
import { withExistingStore } from '../with-existing-store.ts';
import { prefix } from './up.ts';

/** One engine as `weft ps` prints it. */
export interface PsRow {
  readonly namespace: string;
  /** The replica under `weft up`; null for an engine found only in the registry. */
  readonly replica: number | null;
  readonly id: string;
  readonly pid: number | null;
  readonly host: string;
  /** A supervised slot's state, or `external` (registry only), or `stale` (registry only, heartbeat late). */
  readonly state: string;
  readonly restarts: number | null;
  readonly uptimeMs: number | null;
  readonly ready: boolean;
  readonly ops: string | null;
  /** Whether the row comes from the local `weft up` or only from a store's registry. */
  readonly source: 'weft up' | 'registry';
  readonly store?: string;
  /** Under `weft up`: the warm standby that the next restart takes over, once it waits. */
  readonly standbyPid?: number | null;
}

/** Merges the supervisor's slots with the registry: a slot shows its engine's record; a record no slot owns is `external`. */
export function psRows(supervised: SupervisorSnapshot | undefined, registered: readonly (ListedEngine & { store?: string })[], now: number): PsRow[] {
  const byId = new Map(registered.map((engine) => [engine.id, engine]));
  const rows: PsRow[] = [];
  for (const engine of supervised?.engines ?? []) {
    const record = byId.get(engine.engineId);
    byId.delete(engine.engineId);
    rows.push({
      namespace: engine.namespace, replica: engine.replica, id: engine.engineId, pid: engine.pid, host: hostname(), state: engine.state, restarts: engine.restarts,
      uptimeMs: engine.startedAt === null ? null : now - Date.parse(engine.startedAt), ready: engine.ready, ops: engine.ops ?? record?.ops ?? null, source: 'weft up',
      store: engine.store, standbyPid: engine.standbyPid,
    });
  }
  for (const record of byId.values()) {
    rows.push({
      namespace: record.namespace, replica: null, id: record.id, pid: record.pid, host: record.host, state: record.stale ? 'stale' : 'external', restarts: null,
      uptimeMs: now - Date.parse(record.startedAt), ready: record.ready && !record.stale, ops: record.ops, source: 'registry', ...(record.store === undefined ? {} : { store: record.store }),
    });
  }
  return rows;
}

function render(rows: readonly PsRow[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (format === 'yaml') return rows.length === 0 ? '[]\n' : stringify(rows);
  const replicas = new Map<string, number>();
  for (const row of rows) if (row.replica !== null) replicas.set(row.namespace, (replicas.get(row.namespace) ?? 0) + 1);
  return renderTable(rows.map((row) => ({
    namespace: row.replica === null ? row.namespace : prefix({ namespace: row.namespace, replica: row.replica, replicas: replicas.get(row.namespace) ?? 1 }),
    pid: row.pid === null ? '-' : String(row.pid),
    host: row.host,
    state: row.state,
    restarts: row.restarts === null ? '-' : String(row.restarts),
    uptime: row.uptimeMs === null ? '-' : duration(row.uptimeMs),
    ready: row.ready ? 'yes' : 'no',
    ops: row.ops ?? '-',
  })), ['namespace', 'pid', 'host', 'state', 'restarts', 'uptime', 'ready', 'ops']);
}

/** 45s, 3m12s, 2h05m, 3d04h. */
function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** Runs `weft ps` (its definition: cli/commands/ps.ts). */
export async function runPs(io: CliIO, flags: { config?: string; runDir?: string; store?: string; output: OutputFormat }): Promise<void> {
  const cio = configIO(io, flags.config);
  const config = loadConfig(cio, {});
  const runDir = runDirOf(cio.cwd, flags.runDir, cio.env);
  const supervised = (await requestSupervisor(runDir.socket, 'GET', '/engines')) as SupervisorSnapshot | undefined;
  const stores = new Set([config.store, ...Object.keys(config.namespaces ?? {}).map((namespace) => loadConfig(cio, { namespace }).store), ...(flags.store === undefined ? [] : [flags.store])]);
  const registered = new Map<string, ListedEngine & { store: string }>();
  for (const store of stores) {
    try {
      const engines = await withExistingStore(cio, { ...config, store }, async (opened) => (isValueStore(opened) ? new EngineRegistry(opened).list() : []), 'listing the engines of');
      for (const engine of engines) registered.set(engine.id, { ...engine, store: redactStoreUrl(store) });
    } catch (thrown) {
      io.stderr.write(`warning: cannot read the engine registry of ${redactStoreUrl(store)}: ${(thrown as Error).message}\n`);
    }
  }
  const rows = psRows(supervised, [...registered.values()], Date.now());
  io.stdout.write(render(rows, flags.output));
}
