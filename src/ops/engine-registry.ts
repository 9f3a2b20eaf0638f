import { hostname } from 'node:os';
import type { ValueData, ValueStore } from '../store/index.ts';

/** The values namespace that holds the engine registry: one value per running engine, named by its id. */
export const ENGINES_NAMESPACE = 'weft:engines';

/** How often a registered engine refreshes its record by default. */
export const ENGINE_HEARTBEAT_MS = 3000;

/** An engine as it registers itself: who runs which namespace where, and whether it serves. */
export interface EngineRecord {
  readonly id: string;
  readonly namespace: string;
  readonly pid: number;
  readonly host: string;
  /** ISO-8601: when the engine process started its runtime. */
  readonly startedAt: string;
  /** ISO-8601: the last heartbeat, by the engine's clock. */
  readonly heartbeatAt: string;
  /** The ops plane's base URL (health, metrics, control), or null when it runs none. */
  readonly ops: string | null;
  readonly ready: boolean;
}

/** A registry record as read back: `stale` once it missed about three heartbeats. */
export interface ListedEngine extends EngineRecord {
  readonly stale: boolean;
}

/** What an engine registers; the registry fills pid, host, startedAt and heartbeatAt. */
export interface EngineRegistration {
  readonly id: string;
  readonly namespace: string;
  readonly ops?: string;
  /** Read at every heartbeat (the runtime's readiness). */
  readonly ready: () => boolean;
}

/** A registration in force: refreshed by a timer until `close` removes it. */
export interface EngineHeartbeat {
  /** Writes the record now (after a change of readiness), besides the timer's beats. */
  beat(): Promise<void>;
  /** Stops the heartbeat and deletes the record (idempotent); a clean shutdown calls it. */
  close(): Promise<void>;
}

/** Options of an EngineRegistry; the defaults suit engines sharing one store. */
export interface EngineRegistryOptions {
  readonly heartbeatMs?: number;
  /** A record older than this is stale (default: three missed beats and one more second). */
  readonly staleAfterMs?: number;
  /** A stale record older than this is deleted by the next engine that beats (default one minute). */
  readonly forgetAfterMs?: number;
  /** Told when a heartbeat cannot be written (the store is down); the beats go on. */
  readonly onError?: (error: unknown) => void;
}

const VALUE_NAME_CHAR = /[^A-Za-z0-9_-]/g;

/** A value name for an engine id: the characters a value name cannot hold become `_`. */
export function engineValueName(id: string): string {
  const name = id.replace(VALUE_NAME_CHAR, '_').slice(0, 200);
  return /^[A-Za-z_]/.test(name) ? name : `_${name.slice(0, 199)}`;
}

/**
 * The store's service registry (seed 001's broker): every `weft start` registers itself under
 * ENGINES_NAMESPACE and refreshes its record every few seconds, so `weft ps` on any machine that
 * reaches the store lists the engines serving it. A record that missed about three beats is
 * stale (its engine died or lost the store); stale records are forgotten after a minute.
 */
export class EngineRegistry {
  readonly #store: ValueStore;
  readonly #heartbeatMs: number;
  readonly #staleAfterMs: number;
  readonly #forgetAfterMs: number;
  readonly #onError: (error: unknown) => void;

  constructor(store: ValueStore, options: EngineRegistryOptions = {}) {
    this.#store = store;
    this.#heartbeatMs = options.heartbeatMs ?? ENGINE_HEARTBEAT_MS;
    this.#staleAfterMs = options.staleAfterMs ?? this.#heartbeatMs * 3 + 1000;
    this.#forgetAfterMs = options.forgetAfterMs ?? Math.max(60_000, this.#staleAfterMs * 2);
    this.#onError = options.onError ?? (() => {});
  }

  /** Writes the engine's record at once and starts its heartbeat; the timer does not keep Node alive. */
  async register(registration: EngineRegistration): Promise<EngineHeartbeat> {
    const name = engineValueName(registration.id);
    const base = { id: registration.id, namespace: registration.namespace, pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ops: registration.ops ?? null };
    let closed = false;
    let beats = 0;
    let writing: Promise<void> = Promise.resolve();
    const put = async (): Promise<void> => {
      const record: EngineRecord = { ...base, heartbeatAt: new Date().toISOString(), ready: registration.ready() };
      await this.#store.putValues([{ namespace: ENGINES_NAMESPACE, name, data: record as unknown as ValueData }]);
    };
    const write = (): Promise<void> => {
      // One write at a time, so a slow store never reorders two beats.
      writing = writing.then(async () => {
        if (closed) return;
        await put();
        if (++beats % 10 === 0) await this.#forgetStale();
      }).catch(this.#onError);
      return writing;
    };
    // A store that fails the first write (cut just then) must not fail the engine: the next beats try again.
    await put().catch(this.#onError);
    await this.#forgetStale().catch(this.#onError);
    const timer = setInterval(() => void write(), this.#heartbeatMs);
    timer.unref();
    return {
      beat: write,
      close: async () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        await writing;
        await this.#store.deleteValues({ namespace: ENGINES_NAMESPACE, name });
      },
    };
  }

  /** Every registered engine, by namespace then id, each marked stale when its heartbeat is late. */
  async list(now = Date.now()): Promise<ListedEngine[]> {
    const values = await this.#store.findValues({ namespace: ENGINES_NAMESPACE });
    return values.map((value) => asEngineRecord(value.data)).filter((record) => record !== undefined)
      .map((record) => ({ ...record, stale: now - Date.parse(record.heartbeatAt) > this.#staleAfterMs }))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));
  }

  async #forgetStale(): Promise<void> {
    const now = Date.now();
    const gone = (await this.list(now)).filter((record) => now - Date.parse(record.heartbeatAt) > this.#forgetAfterMs);
    if (gone.length > 0) await this.#store.deleteValues({ namespace: ENGINES_NAMESPACE, name: gone.map((record) => engineValueName(record.id)) });
  }
}

/** The record when `data` has the shape of one, else undefined (a value someone else wrote there). */
function asEngineRecord(data: unknown): EngineRecord | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const record = data as Partial<Record<keyof EngineRecord, unknown>>;
  const valid = typeof record.id === 'string' && typeof record.namespace === 'string' && typeof record.pid === 'number' && typeof record.host === 'string'
    && typeof record.startedAt === 'string' && typeof record.heartbeatAt === 'string' && !Number.isNaN(Date.parse(record.heartbeatAt))
    && (record.ops === null || typeof record.ops === 'string') && typeof record.ready === 'boolean';
  return valid ? (data as EngineRecord) : undefined;
}
