import type { Client } from 'pg';
import { WeftError } from '../../errors/index.ts';
import { describeFailure, storeError } from './pg-error.ts';
import { reconnectDelay, type ReconnectOptions } from './reconnect-delay.ts';
import type { StoreLogger } from './store-logger.ts';

/** Options of a PostgresListener. */
export interface PostgresListenerOptions {
  /** A new, unconnected client for the LISTEN connection (one per attempt). */
  readonly newClient: () => Client;
  readonly channel: string;
  /** The store URL (without password), for log lines. */
  readonly url: string;
  readonly logger: StoreLogger;
  readonly reconnect: ReconnectOptions;
  /** How often the connection is checked with `SELECT 1`, and how long that may take. */
  readonly heartbeatMs: number;
  /** A NOTIFY arrived; its payload is the highest seq the committed write logged. */
  readonly onNotify: (payload: string) => void;
  /** LISTEN is active (again): the feed reads what it may have missed. */
  readonly onListening: () => void;
}

/** Where the LISTEN connection is: `waiting` is the backoff between reconnect attempts. */
export type ListenerState = 'idle' | 'connecting' | 'listening' | 'waiting' | 'closed';

const ignore = (): void => {};

/**
 * The dedicated connection that LISTENs on a store's channel. It connects on first use. Once
 * it has listened, a lost connection (an `error`/`end` event, or a heartbeat without answer)
 * is logged once and retried with backoff until it is back or the store closes; then it logs
 * the outage's length and calls `onListening`, so the feed replays the log from its cursors.
 * It never throws into an event handler and never leaves a rejection unheard.
 */
export class PostgresListener {
  readonly #options: PostgresListenerOptions;
  #state: ListenerState = 'idle';
  #client: Client | undefined;
  #attempt: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #checking = false;
  #outage: { since: number; attempts: number } | undefined;
  #keepAlive = false;

  constructor(options: PostgresListenerOptions) {
    this.#options = options;
  }

  /** Where the connection is. */
  get state(): ListenerState {
    return this.#state;
  }

  /**
   * Resolves once LISTEN is active: at once when it is, else after a connection attempt made
   * now. Rejects with ERR_STORE_UNAVAILABLE when that attempt fails (reconnecting goes on).
   */
  listening(): Promise<void> {
    if (this.#state === 'listening') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new WeftError('ERR_STORE_CLOSED'));
    this.#attempt ??= this.#open().finally(() => (this.#attempt = undefined));
    return this.#attempt;
  }

  /** Whether the connection (and a pending retry) keeps the process alive: only while a reader waits. */
  keepAlive(on: boolean): void {
    this.#keepAlive = on;
    this.#applyKeepAlive();
  }

  /** Ends the connection and stops reconnecting (idempotent). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const client = this.#client;
    this.#client = undefined;
    await this.#attempt?.catch(ignore);
    await client?.end().catch(ignore);
  }

  async #open(): Promise<void> {
    clearTimeout(this.#retry);
    this.#state = 'connecting';
    let client: Client | undefined;
    try {
      const opened = (client = this.#options.newClient());
      opened.on('error', (error: Error) => this.#lost(opened, error));
      opened.on('end', () => this.#lost(opened, new Error('the connection was closed')));
      opened.on('notification', (message) => {
        if (opened === this.#client) this.#options.onNotify(message.payload ?? '');
      });
      await opened.connect();
      await opened.query(`LISTEN "${this.#options.channel}"`);
    } catch (thrown) {
      void client?.end().catch(ignore);
      if (this.#isClosed()) throw new WeftError('ERR_STORE_CLOSED');
      this.#failed(thrown);
      throw storeError(thrown);
    }
    if (this.#isClosed()) {
      await client.end().catch(ignore);
      throw new WeftError('ERR_STORE_CLOSED');
    }
    this.#client = client;
    this.#state = 'listening';
    this.#applyKeepAlive();
    this.#heartbeat ??= setInterval(() => void this.#check(), this.#options.heartbeatMs).unref();
    if (this.#outage !== undefined) {
      const { since, attempts } = this.#outage;
      this.#outage = undefined;
      this.#options.logger.info({ store: this.#options.url, downMs: Date.now() - since, attempts: attempts + 1 }, 'store change feed reconnected; replaying the changes made meanwhile');
    }
    this.#options.onListening();
  }

  /** A connection attempt failed: during an outage, try again later; before the first success, the caller hears it. */
  #failed(thrown: unknown): void {
    if (this.#outage === undefined) {
      this.#state = 'idle';
      return;
    }
    this.#outage.attempts += 1;
    this.#options.logger.debug({ store: this.#options.url, attempt: this.#outage.attempts, reason: describeFailure(thrown) }, 'store change feed: reconnect failed');
    this.#schedule();
  }

  #lost(client: Client, error: Error): void {
    if (client !== this.#client || this.#state !== 'listening') return;
    this.#client = undefined;
    void client.end().catch(ignore);
    this.#outage = { since: Date.now(), attempts: 0 };
    this.#options.logger.warn({ store: this.#options.url, reason: describeFailure(error) }, 'store change feed disconnected; reconnecting');
    this.#schedule();
  }

  #schedule(): void {
    this.#state = 'waiting';
    const delay = reconnectDelay(this.#outage!.attempts + 1, this.#options.reconnect);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.listening().catch(ignore);
    }, delay);
    this.#applyKeepAlive();
  }

  /** Asks the server for an answer; none within heartbeatMs counts as a lost connection (a silent network cut). */
  async #check(): Promise<void> {
    const client = this.#client;
    if (client === undefined || this.#state !== 'listening' || this.#checking) return;
    this.#checking = true;
    let timer: NodeJS.Timeout | undefined;
    const ms = this.#options.heartbeatMs;
    const silence = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to a heartbeat within ${ms} ms`)), ms).unref()));
    try {
      await Promise.race([client.query('SELECT 1'), silence]);
    } catch (thrown) {
      this.#lost(client, thrown instanceof Error ? thrown : new Error(String(thrown)));
    } finally {
      clearTimeout(timer);
      this.#checking = false;
    }
  }

  /** Read through a call, so TypeScript does not narrow the state across an await. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #applyKeepAlive(): void {
    const client = this.#client as unknown as { ref(): void; unref(): void } | undefined;
    if (this.#keepAlive) {
      client?.ref();
      this.#retry?.ref();
    } else {
      client?.unref();
      this.#retry?.unref();
    }
  }
}
