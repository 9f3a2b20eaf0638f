import { Type } from '@sinclair/typebox';
import { defineKind, InOutNode, Packet, toWeftError, type CodecContext, type Logger, type Problem, type Process, type Reply } from '../../src/index.ts';
import { Batcher, batchProblems } from '../_shared/batch.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';

/** The kind name. */
export const kind = 'accumulator';

/** The accumulator's own spec fields. */
export const schema = Type.Object({
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Send the array once it holds this many payloads (default: only by window and on close).' })),
  window: Type.Optional(durationSchema('Send the array at most this long after its first payload arrived.')),
});

/**
 * Collects the payloads of `in` into arrays and runs each array as a new root process on `out`,
 * once it holds `size` payloads or `window` after its first one, and on close. Each sender gets
 * its own packet back at once (the payload is accepted, not yet processed): the batch's
 * outcome reaches no sender, an error reply of the batch goes to `error` and is logged.
 * An error payload is not collected: it goes to `error` in the sender's process.
 */
export class AccumulatorNode extends InOutNode {
  readonly #batcher: Batcher<unknown>;
  readonly #context: CodecContext;
  readonly #logger: Logger;
  readonly #running = new Set<Promise<void>>();

  constructor(options: { size?: number; windowMs?: number; name: string; context: CodecContext }) {
    super();
    this.#context = options.context;
    this.#logger = options.context.logger.child({ kind, node: options.name });
    this.#batcher = new Batcher({ size: options.size ?? Number.POSITIVE_INFINITY, windowMs: options.windowMs }, (items) => this.#send(items));
  }

  /** How many payloads wait for the next array. */
  get pending(): number {
    return this.#batcher.pending;
  }

  receive(process: Process, packet: Packet): Reply {
    if (packet.payload instanceof Error) return this.errorPort.write(process, packet);
    this.#batcher.add(packet.payload);
    return packet;
  }

  /** Sends what was collected, then waits for the arrays still running. */
  override async close(): Promise<void> {
    super.close();
    this.#batcher.flush();
    this.#batcher.close();
    await Promise.all(this.#running);
  }

  #send(items: unknown[]): void {
    const process = this.#context.processes.spawn();
    let reply;
    try {
      reply = this.outPort.write(process, new Packet(items));
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    const done = Promise.resolve(reply)
      .then((settled) => (settled.payload instanceof Error ? this.errorPort.write(process, settled) : settled))
      .then((settled) => {
        const error = settled.payload instanceof Error ? toWeftError(settled.payload) : undefined;
        if (error !== undefined) this.#logger.warn({ err: error, size: items.length }, 'an accumulated array failed');
        return process.finish(error);
      }, (reason: unknown) => process.finish(toWeftError(reason)));
    this.#running.add(done);
    void done.finally(() => this.#running.delete(done));
  }
}

function validate(spec: { size?: number; window?: string | number }): Problem[] {
  if (spec.size === undefined && spec.window === undefined) return [{ path: 'size', code: 'ERR_SPEC_INVALID', message: 'give size, window or both' }];
  return batchProblems('', spec).map((problem) => ({ ...problem, path: 'window' }));
}

/** `accumulator`: collects payloads into arrays by size and/or window. */
export const definition = defineKind({
  kind,
  description: 'Collects payloads into arrays (by size and/or window, and on close) and runs each array as a new process on out; each sender is answered at once with its own packet.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => new AccumulatorNode({
    size: spec.size,
    windowMs: spec.window === undefined ? undefined : durationMs(spec.window),
    name: spec.name ?? spec.id ?? kind,
    context,
  }),
});
