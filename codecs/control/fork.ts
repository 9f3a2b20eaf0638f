import { Type } from '@sinclair/typebox';
import { defineKind, InOutNode, Packet, toWeftError, type Logger, type Process, type Reply } from '../../src/index.ts';

/** The kind name. */
export const kind = 'fork';

/** `fork` has no fields of its own. */
export const schema = Type.Object({});

/**
 * Detaches work (uniflow §9.2 `fork`): each input is answered `None` at once, and the packet
 * goes to `out` in a child process of the caller's, started on the next microtask (after the
 * caller has its reply). The parent's `finish` waits for that child, so the work ends before
 * the request does; the parent's exit ends it too. An error reply goes to `error` when linked
 * (the child ends after that handler replies); otherwise it is logged and ends the child.
 */
export class ForkNode extends InOutNode {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    super();
    this.#logger = logger;
  }

  /** Forks a child for a packet of the `in` port and answers `None` (called by the port). */
  override receive(process: Process, packet: Packet): Packet {
    // fork() now, so a parent that finishes right after this reply already waits for the child.
    const child = process.fork();
    queueMicrotask(() => this.#run(child, packet));
    return Packet.None;
  }

  #run(child: Process, packet: Packet): void {
    if (child.state === 'exited') return;
    let reply: Reply;
    try {
      reply = this.outPort.write(child, packet);
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    if (reply instanceof Packet) this.#settle(child, reply);
    else reply.then((settled) => this.#settle(child, settled), (reason: unknown) => this.#settle(child, new Packet(toWeftError(reason))));
  }

  #settle(child: Process, reply: Packet): void {
    const error = reply.payload;
    if (!(error instanceof Error)) {
      void child.finish();
      return;
    }
    if (this.errorPort.links.length === 0) {
      this.#logger.warn({ err: error, process: child.id }, 'forked work failed');
      void child.finish(error);
      return;
    }
    const handled = this.errorPort.write(child, reply);
    const end = (answer: Packet): Promise<void> => child.finish(answer.payload instanceof Error ? answer.payload : undefined);
    if (handled instanceof Packet) void end(handled);
    else void handled.then(end, (reason: unknown) => child.finish(toWeftError(reason)));
  }
}

/** `fork`: answer at once and continue the work in a child process. */
export const definition = defineKind({
  kind,
  description: 'Answers None at once and sends the packet to out in a child process the caller waits for before ending.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (_spec, context) => new ForkNode(context.logger.child({ kind })),
});
