import { describe, expect, it } from 'vitest';
import { errorMatches, mergePackets, Packet, WeftError } from '../../../src/index.ts';

describe('mergePackets', () => {
  it('gives None for no packets and for only None', () => {
    expect(mergePackets([])).toBe(Packet.None);
    expect(mergePackets([Packet.None])).toBe(Packet.None);
    expect(mergePackets([Packet.None, Packet.None])).toBe(Packet.None);
  });

  it('returns a single value as the same packet, skipping None', () => {
    const only = new Packet({ a: 1 });
    expect(mergePackets([only])).toBe(only);
    expect(mergePackets([Packet.None, only, Packet.None])).toBe(only);
  });

  it('keeps a packet with a null payload as a value', () => {
    const nullPacket = new Packet(null);
    expect(mergePackets([Packet.None, nullPacket])).toBe(nullPacket);
    expect(mergePackets([nullPacket, new Packet(1)]).payload).toEqual([null, 1]);
  });

  it('makes a list of several values in write order', () => {
    const merged = mergePackets([new Packet('a'), Packet.None, new Packet(2), new Packet({ c: true })]);
    expect(merged.payload).toEqual(['a', 2, { c: true }]);
  });

  it('keeps empty objects and lists as values', () => {
    const empty = new Packet({});
    expect(mergePackets([empty])).toBe(empty);
    expect(mergePackets([new Packet({}), new Packet([])]).payload).toEqual([{}, []]);
  });

  it('lets one error win over values', () => {
    const error = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 's' });
    const merged = mergePackets([new Packet(1), new Packet(error), new Packet(2)]);
    expect(merged.isError).toBe(true);
    expect(merged.payload).toBe(error);
  });

  it('joins several errors into ERR_MULTIPLE whose chain matches every member', () => {
    const notFound = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 's' });
    const taken = new WeftError('ERR_NAME_TAKEN', { name: 'n', namespace: 'd' });
    const plain = new Error('plain failure');
    const merged = mergePackets([new Packet(notFound), new Packet('value'), new Packet(taken), Packet.None, new Packet(plain)]);
    const error = merged.payload as WeftError;
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('ERR_MULTIPLE');
    expect(error.message).toBe([notFound.message, taken.message, plain.message].join('\n'));
    expect(errorMatches(error, 'not found')).toBe(true);
    expect(errorMatches(error, 'already exists')).toBe(true);
    expect(errorMatches(error, 'ERR_NAME_TAKEN')).toBe(true);
    expect(errorMatches(error, 'plain failure')).toBe(true);
    expect(errorMatches(error, 'unavailable')).toBe(false);
    expect((error.cause as AggregateError).errors).toEqual([notFound, taken, plain]);
  });
});
