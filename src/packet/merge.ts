import { WeftError } from '../errors/index.ts';
import { Packet } from './packet.ts';

/**
 * Merges the replies of a fan-out, in write order: `None` is skipped; any error wins (several
 * errors become one ERR_MULTIPLE whose cause is an AggregateError of them all, messages joined
 * by newlines); one value stays itself; several become a list. No value at all gives `None`.
 */
export function mergePackets(packets: readonly Packet[]): Packet {
  let first: Packet | undefined;
  let values: unknown[] | undefined;
  let errors: Error[] | undefined;
  for (const packet of packets) {
    if (packet === Packet.None) continue;
    if (packet.payload instanceof Error) {
      (errors ??= []).push(packet.payload);
      continue;
    }
    if (first === undefined) first = packet;
    else (values ??= [first.payload]).push(packet.payload);
  }
  if (errors !== undefined) {
    if (errors.length === 1) return new Packet(errors[0]);
    const message = errors.map((error) => error.message).join('\n');
    return new Packet(new WeftError('ERR_MULTIPLE', { message }, { cause: new AggregateError(errors, message) }));
  }
  if (values !== undefined) return new Packet(values);
  return first ?? Packet.None;
}
