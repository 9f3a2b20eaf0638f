import { Type } from '@sinclair/typebox';
import {
  defineKind, Packet, SourceNode, toWeftError,
  type Logger, type Problem, type ProcessGroup, type SpecChange, type SpecChanges,
} from '../../src/index.ts';

/** The kind name. */
export const kind = 'signal';

/** The topics a signal can watch; uniflow's `values` waits for values to exist in weft. */
export const TOPICS = ['specs'] as const;

/** The signal's own spec fields. */
export const schema = Type.Object({
  topic: Type.String({ description: 'What to watch: `specs`, the spec changes of the runtime\'s namespace.' }),
});

/** The most changes waiting to be signalled; past it, the oldest are dropped (and logged). */
const MAX_PENDING = 10_000;

/**
 * A source of the runtime's spec changes (uniflow's 2024-11 … 2025-03 `signal`, topic `specs`):
 * each insert, update or delete of a spec of the namespace, once the engine has loaded it,
 * becomes a root process sending `{op, spec}` on `out` (the stored spec without `env`; an error
 * reply goes to `error` when linked, else is logged). Changes are signalled one at a time, in
 * commit order. Subscribed in `activate`, unsubscribed in `deactivate` and `close`, so a
 * reload neither loses the subscription nor doubles it.
 */
export class SignalNode extends SourceNode {
  readonly #changes: SpecChanges;
  readonly #processes: ProcessGroup;
  readonly #logger: Logger;
  readonly #pending: SpecChange[] = [];
  #unsubscribe: (() => void) | undefined;
  #running = false;
  #dropped = 0;

  constructor(changes: SpecChanges, processes: ProcessGroup, logger: Logger) {
    super();
    this.#changes = changes;
    this.#processes = processes;
    this.#logger = logger;
  }

  activate(): void {
    this.#unsubscribe ??= this.#changes.subscribe((changes) => this.#enqueue(changes));
  }

  deactivate(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  close(): void {
    this.deactivate();
    this.#pending.length = 0;
  }

  #enqueue(changes: readonly SpecChange[]): void {
    this.#pending.push(...changes);
    if (this.#pending.length > MAX_PENDING) {
      const over = this.#pending.length - MAX_PENDING;
      this.#pending.splice(0, over);
      if (this.#dropped === 0) this.#logger.warn({ dropped: over, max: MAX_PENDING }, 'signal is behind: oldest spec changes dropped');
      this.#dropped += over;
    }
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#pending.length > 0 && this.#unsubscribe !== undefined && this.#processes.admitting) {
        // Paused: changes wait (bounded by MAX_PENDING) and are signalled in order on resume.
        if (this.#processes.paused) {
          await this.#processes.whenResumed();
          continue;
        }
        await this.#signal(this.#pending.shift()!);
      }
    } finally {
      this.#running = false;
      this.#dropped = 0;
    }
  }

  async #signal(change: SpecChange): Promise<void> {
    const process = this.#processes.spawn();
    const { env: _env, ...spec } = change.spec;
    let error: Error | undefined;
    try {
      const reply = await this.emit(process, new Packet({ op: change.op, spec }));
      if (reply.payload instanceof Error) error = reply.payload;
    } catch (thrown) {
      error = toWeftError(thrown);
    }
    if (error !== undefined) this.#logger.warn({ err: error, process: process.id, op: change.op, spec: spec.name ?? spec.id }, 'signal handling failed');
    await process.finish(error);
  }
}

function validate(spec: { topic: string }): Problem[] {
  if ((TOPICS as readonly string[]).includes(spec.topic)) return [];
  const why = spec.topic === 'values' ? 'weft has no values store yet' : 'it is not a topic';
  return [{ path: 'topic', code: 'ERR_SPEC_INVALID', message: `topic "${spec.topic}" cannot be watched: ${why} (known: ${TOPICS.join(', ')})` }];
}

/** `signal`: the namespace's spec changes as a source of root processes. */
export const definition = defineKind({
  kind,
  description: 'Sends {op, spec} on out, in a root process, for each insert, update or delete of a spec of the namespace once it is loaded.',
  schema,
  ports: { in: [], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => new SignalNode(context.specChanges, context.processes, context.logger.child({ kind, node: spec.name ?? spec.id })),
});
