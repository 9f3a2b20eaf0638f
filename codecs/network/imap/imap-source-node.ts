import type { Span } from '@opentelemetry/api';
import type { ImapFlow, SearchObject } from 'imapflow';
import {
  Packet, SourceNode, toWeftError, WeftError,
  type CodecContext, type Logger, type Node, type Process,
} from '../../../src/index.ts';
import { abortableDelay } from '../../_shared/abortable-delay.ts';
import { endProcessSpan, startProcessSpan, withSpan } from '../../_shared/trace/process-span.ts';
import { imapClient, imapError, type ImapServer } from './imap-server.ts';
import { mailPayload } from './mail-payload.ts';

/** Options of an ImapSourceNode (the spec's fields with their defaults filled in). */
export interface ImapSourceOptions {
  readonly name: string;
  readonly server: ImapServer;
  readonly mailbox: string;
  readonly mode: 'poll' | 'idle';
  /** poll: the time between passes; idle: the time between sweeps that retry failed messages. */
  readonly intervalMs: number;
  readonly search: SearchObject;
  readonly onSuccess: 'seen' | 'move';
  readonly moveTo?: string;
  readonly concurrency: number;
  /** How long a failed message waits before a pass tries it again. */
  readonly retryDelayMs: number;
  readonly context: CodecContext;
}

/** The lifecycle states of an imap source, as the log and health show them. */
export type ImapSourceState = 'idle' | 'connecting' | 'watching' | 'reconnecting' | 'stopped' | 'closed';

/** What an imap source did since its spec was loaded (kept across hot reloads). */
export interface ImapCounters {
  passes: number;
  /** Messages whose workflow succeeded and that were then flagged \Seen (or moved). */
  processed: number;
  /** Workflow failures: each leaves its message unseen for a later pass. */
  failed: number;
  /** Successes whose flag (or move) did not reach the server: the message runs again. */
  unmarked: number;
}

/**
 * The messages of one mailbox that some node of the spec is running or that failed lately, by
 * UID; a replacement node (hot reload) shares them, so no message runs twice across a reload.
 */
interface Claims {
  readonly running: Set<number>;
  readonly failedAt: Map<number, number>;
  readonly attempts: Map<number, number>;
  uidValidity?: bigint;
}

interface InFlight {
  readonly uid: number;
  readonly process: Process;
  span?: Span;
}

/** The longest a connection stays silent between passes (imapflow drops a socket silent for 5 min). */
const KEEPALIVE_MS = 60_000;

/** Reconnection backoff: doubling from 200 ms to 30 s, with jitter. */
function reconnectDelay(failures: number): number {
  return Math.round(Math.min(30_000, 200 * 2 ** Math.min(failures - 1, 20)) * (0.5 + Math.random() * 0.5));
}

/**
 * Watches one mailbox and runs each matching message as a root process whose payload (the parsed
 * mail) goes to `out` (`emit`). A reply that is not an error flags the message \Seen (or moves it);
 * an error leaves it as it was, for a pass at least `retryDelay` later. A pass searches the
 * mailbox, skips what runs or failed lately, and fetches as many messages as `concurrency` has
 * room for. `poll` passes every `interval`; `idle` keeps the connection in IDLE and passes when
 * the server reports new mail (and every `interval`, for the retries). A lost server is retried
 * with backoff; `deactivate` stops passing (running messages go on and are still flagged);
 * `close` logs out.
 */
export class ImapSourceNode extends SourceNode {
  readonly name: string;
  readonly #options: ImapSourceOptions;
  readonly #logger: Logger;
  readonly #inFlight = new Set<InFlight>();
  readonly #settling = new Set<Promise<void>>();
  #claims: Claims = { running: new Set(), failedAt: new Map(), attempts: new Map() };
  #counters: ImapCounters = { passes: 0, processed: 0, failed: 0, unmarked: 0 };
  #state: ImapSourceState = 'idle';
  #client: ImapFlow | undefined;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  /** Wakes the loop (a message settled, new mail, a pause change, a lost connection, a stop). */
  #waiter: (() => void) | undefined;
  /** Something happened since the last pass began that the next pass should see. */
  #poked = false;

  constructor(options: ImapSourceOptions) {
    super();
    this.#options = options;
    this.name = options.name;
    this.#logger = options.context.logger.child({ kind: 'imap', node: options.name, mailbox: options.mailbox });
  }

  get state(): ImapSourceState {
    return this.#state;
  }

  get counters(): Readonly<ImapCounters> {
    return this.#counters;
  }

  /** The messages being processed by this node now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The server and mailbox this node watches: a replacement with the same takes over its claims. */
  get #watches(): string {
    return `${this.#options.server.label}/${this.#options.mailbox}`;
  }

  /** A replacement of a source of the same server and mailbox shares its claims and counters. */
  adopt(previous: Node): void {
    if (!(previous instanceof ImapSourceNode) || previous.#watches !== this.#watches) return;
    this.#claims = previous.#claims;
    this.#counters = previous.#counters;
  }

  /** Connects and starts passing in the background (idempotent); never fails for an unreachable server. */
  activate(): void {
    if (this.#state === 'closed') throw new WeftError('ERR_NODE_CLOSED', { node: `imap ${this.name}` });
    if (this.#loop !== undefined) return;
    const context = this.#options.context;
    this.#unregister ??= context.health?.register(`imap ${context.namespace}/${this.name}`, () =>
      this.#state === 'watching' ? { ok: true } : { ok: false, reason: `imap ${this.#state}` });
    const stop = (this.#stop = new AbortController());
    this.#loop = this.#run(stop.signal).catch((thrown: unknown) => this.#logger.error({ err: toWeftError(thrown) }, 'imap source stopped by an unexpected failure'));
  }

  /** Stops passing; running messages go on and are flagged on the same connection. */
  async deactivate(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
    const loop = this.#loop;
    if (loop === undefined) return;
    this.#stop!.abort();
    this.#poke();
    await loop;
    this.#loop = undefined;
    if (this.#state !== 'closed') this.#setState('stopped');
  }

  /** Stops, waits for the flags of settled messages, and logs out (messages still running stay unseen). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    await this.deactivate();
    this.#setState('closed');
    await Promise.all(this.#settling);
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.logout().catch(() => client.close());
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { server, mailbox, mode } = this.#options;
    let failures = 0;
    this.#setState('connecting');
    while (!signal.aborted) {
      const client = imapClient(server, { idle: mode === 'idle' });
      // imapflow emits 'error' for a broken socket; the 'close' that follows is what counts.
      client.on('error', (error: unknown) => this.#logger.debug({ err: toWeftError(error) }, 'imap connection error'));
      client.once('close', () => this.#poke());
      const abandon = (): void => client.close();
      signal.addEventListener('abort', abandon, { once: true });
      try {
        await client.connect();
        const opened = await client.mailboxOpen(mailbox).catch((thrown: unknown) => {
          const missing = (thrown as { mailboxMissing?: boolean }).mailboxMissing === true || /nonexist|not exist|unknown mailbox/i.test(String((thrown as { responseText?: string }).responseText ?? ''));
          throw missing ? new WeftError('ERR_IMAP_MAILBOX_NOT_FOUND', { server: server.label, mailbox }) : thrown;
        });
        if (this.#claims.uidValidity !== undefined && this.#claims.uidValidity !== opened.uidValidity) {
          // UIDs name other messages now: forget the failures and attempts of the old ones.
          this.#claims.failedAt.clear();
          this.#claims.attempts.clear();
        }
        this.#claims.uidValidity = opened.uidValidity;
        signal.removeEventListener('abort', abandon);
        if (signal.aborted) break;
        this.#client = client;
        failures = 0;
        this.#setState('watching');
        await this.#watch(client, signal);
        if (signal.aborted) break;
        throw new WeftError('ERR_IMAP_UNAVAILABLE', { server: server.label, reason: client.byeReason ?? 'the connection was closed' });
      } catch (thrown) {
        signal.removeEventListener('abort', abandon);
        if (signal.aborted) break;
        failures++;
        this.#setState('reconnecting', thrown);
      }
      if (this.#client === client) this.#client = undefined;
      client.close();
      await abortableDelay(reconnectDelay(Math.max(failures, 1)), signal);
    }
  }

  /** Runs passes on a connected client until it closes or the node stops. */
  async #watch(client: ImapFlow, signal: AbortSignal): Promise<void> {
    const processes = this.#options.context.processes;
    const onExists = (): void => this.#poke();
    if (this.#options.mode === 'idle') client.on('exists', onExists);
    const offPause = processes.onPauseChange(() => this.#poke());
    try {
      while (!signal.aborted && client.usable) {
        if (!processes.admitting) {
          await abortableDelay(2_147_483_647, signal);
          return;
        }
        if (processes.paused) {
          await this.#sleep(undefined);
          continue;
        }
        this.#poked = false;
        await this.#pass(client, signal);
        const nextPass = Date.now() + this.#options.intervalMs;
        // Between passes a NOOP at least every KEEPALIVE_MS keeps the session from timing out
        // (IDLE keeps itself alive; a long poll interval would not).
        while (!this.#poked && !signal.aborted && client.usable) {
          const wait = nextPass - Date.now();
          if (wait <= 0) break;
          await this.#sleep(Math.min(wait, KEEPALIVE_MS));
          if (!this.#poked && Date.now() < nextPass && client.usable && !client.idling) await client.noop();
        }
      }
    } finally {
      offPause();
      client.off('exists', onExists);
    }
  }

  /** One pass: search, then fetch and start the due messages as room allows. */
  async #pass(client: ImapFlow, signal: AbortSignal): Promise<void> {
    const { search, concurrency, retryDelayMs } = this.#options;
    const processes = this.#options.context.processes;
    const claims = this.#claims;
    this.#counters.passes++;
    // NOOP first: the server reports what other sessions changed (new mail, flags) before the search.
    await client.noop();
    const found = await client.search(search, { uid: true });
    if (found === false || found === undefined) throw new WeftError('ERR_IMAP_UNAVAILABLE', { server: this.#options.server.label, reason: 'SEARCH failed' });
    const now = Date.now();
    const due = found.filter((uid) => !claims.running.has(uid) && !(now - (claims.failedAt.get(uid) ?? -Infinity) < retryDelayMs)).sort((a, b) => a - b);
    let next = 0;
    while (next < due.length) {
      while (this.#inFlight.size >= concurrency && !signal.aborted && client.usable) await this.#sleep(undefined);
      if (signal.aborted || !client.usable || processes.paused || !processes.admitting) return;
      const batch = due.slice(next, next + concurrency - this.#inFlight.size).filter((uid) => !claims.running.has(uid));
      next += concurrency - this.#inFlight.size;
      if (batch.length === 0) continue;
      for (const uid of batch) claims.running.add(uid);
      let messages;
      try {
        // BODY.PEEK[]: fetching does not set \Seen.
        messages = await client.fetchAll(batch.join(','), { uid: true, source: true }, { uid: true });
      } catch (thrown) {
        for (const uid of batch) claims.running.delete(uid);
        throw thrown;
      }
      const started = new Set<number>();
      for (const message of messages) {
        if (message.source === undefined || !batch.includes(message.uid) || started.has(message.uid)) continue;
        started.add(message.uid);
        this.#start(message.uid, message.source);
      }
      // Expunged between the search and the fetch.
      for (const uid of batch) if (!started.has(uid)) claims.running.delete(uid);
    }
  }

  #start(uid: number, source: Buffer): void {
    const { mailbox, context } = this.#options;
    const attempt = (this.#claims.attempts.get(uid) ?? 0) + 1;
    this.#claims.attempts.set(uid, attempt);
    const process = context.processes.spawn();
    const entry: InFlight = { uid, process };
    this.#inFlight.add(entry);
    entry.span = startProcessSpan(process, {
      name: `mail ${this.name}`, kind: 'consumer',
      attributes: { 'weft.namespace': context.namespace, 'weft.node': this.name, 'weft.kind': 'imap', 'weft.process': process.id, 'weft.imap.uid': uid, 'weft.imap.mailbox': mailbox },
    });
    const run = async (): Promise<Packet> => {
      const packet = new Packet(await mailPayload(source, { uid, mailbox, attempt }));
      return await (entry.span === undefined ? this.emit(process, packet) : withSpan(entry.span, () => this.emit(process, packet)));
    };
    const settling = run()
      .catch((thrown: unknown) => new Packet(toWeftError(thrown)))
      .then((reply) => this.#settle(entry, reply))
      .catch((thrown: unknown) => this.#logger.error({ err: toWeftError(thrown), uid }, 'cannot settle a message'));
    this.#settling.add(settling);
    void settling.finally(() => this.#settling.delete(settling));
  }

  /** Flags (or moves) a message whose reply is not an error; remembers a failure for the retry rule. */
  async #settle(entry: InFlight, reply: Packet): Promise<void> {
    const { uid } = entry;
    const claims = this.#claims;
    const error = reply.payload instanceof Error ? toWeftError(reply.payload) : undefined;
    if (error !== undefined) {
      claims.failedAt.set(uid, Date.now());
      this.#counters.failed++;
      this.#logger.warn({ err: error, code: error.code, uid }, 'message failed: left unseen for a later pass');
    } else {
      try {
        await this.#mark(uid);
        this.#counters.processed++;
        claims.failedAt.delete(uid);
        claims.attempts.delete(uid);
      } catch (thrown) {
        this.#counters.unmarked++;
        this.#logger.warn({ err: imapError(this.#options.server, thrown), uid }, 'cannot flag a processed message: it will be processed again');
      }
    }
    claims.running.delete(uid);
    this.#inFlight.delete(entry);
    if (entry.span !== undefined) endProcessSpan(entry.span, error);
    this.#poke(false);
    await entry.process.finish(error);
  }

  async #mark(uid: number): Promise<void> {
    const client = this.#client;
    const { server, onSuccess, moveTo } = this.#options;
    if (client === undefined || !client.usable) throw new WeftError('ERR_IMAP_UNAVAILABLE', { server: server.label, reason: 'not connected' });
    if (!(await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }))) throw new Error(`STORE of UID ${uid} failed`);
    if (onSuccess === 'move' && (await client.messageMove(String(uid), moveTo!, { uid: true })) === false) throw new Error(`MOVE of UID ${uid} to ${moveTo} failed`);
  }

  /** Wakes the loop; `fresh` (default) marks that the next pass should run at once. */
  #poke(fresh = true): void {
    if (fresh) this.#poked = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Waits for a poke, or `ms` when given. */
  async #sleep(ms: number | undefined): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#waiter = resolve;
      if (ms !== undefined) timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#waiter = undefined;
  }

  /** Logs a change of state once (not every reconnection attempt). */
  #setState(state: ImapSourceState, cause?: unknown): void {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    const server = this.#options.server.label;
    if (state === 'reconnecting') {
      const error = imapError(this.#options.server, cause);
      this.#logger.warn({ err: error, code: error.code, server }, error.code === 'ERR_IMAP_AUTH_FAILED' ? 'imap login refused: retrying with backoff' : 'imap server unavailable: retrying with backoff');
    } else if (state === 'watching') {
      this.#logger.info({ server, mode: this.#options.mode }, previous === 'reconnecting' ? 'imap server reachable again: watching' : 'watching');
    } else {
      this.#logger.debug({ server, state }, `imap source ${state}`);
    }
  }
}
