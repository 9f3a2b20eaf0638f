import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type Problem, type Process } from '../../src/index.ts';
import { abortableDelay, delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';

/** The kind name. */
export const kind = 'sleep';

/** The sleep's own spec fields: one of `duration` and `interval` (uniflow's name). */
export const schema = Type.Object({
  duration: Type.Optional(durationSchema('How long to wait: a duration such as "250ms" or "2s", or milliseconds.')),
  interval: Type.Optional(durationSchema('uniflow’s name for `duration`; give one of the two.')),
});

/**
 * Waits, then passes the packet on to `out` (uniflow §10 `sleep`). When the process ends
 * during the wait (its signal aborts), the wait stops at once and ERR_PROCESS_ABORTED goes to
 * `error`. A zero duration passes the packet on synchronously.
 */
export class SleepNode extends OneToOneNode {
  readonly ms: number;

  constructor(ms: number) {
    super((process, packet) => (ms === 0 ? packet : wait(ms, process, packet)));
    this.ms = ms;
  }
}

async function wait(ms: number, process: Process, packet: Packet): Promise<Packet> {
  if (await abortableDelay(ms, process.signal)) return packet;
  return new Packet(new WeftError('ERR_PROCESS_ABORTED', { node: kind }, { cause: process.signal.reason }));
}

function validate(spec: { duration?: string | number; interval?: string | number }): Problem[] {
  if ((spec.duration === undefined) === (spec.interval === undefined)) {
    const message = spec.duration === undefined ? 'give duration (or interval)' : 'give duration or interval, not both';
    return [{ path: 'duration', code: 'ERR_SPEC_INVALID', message }];
  }
  const problem = delayProblem(spec.duration === undefined ? 'interval' : 'duration', (spec.duration ?? spec.interval)!);
  return problem === undefined ? [] : [problem];
}

/** `sleep`: delay a packet. */
export const definition = defineKind({
  kind,
  description: 'Waits for a duration, then passes the packet on to out; ending the process ends the wait with an error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec) => new SleepNode(durationMs((spec.duration ?? spec.interval)!)),
});
