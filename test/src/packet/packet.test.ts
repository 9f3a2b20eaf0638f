import { describe, expect, it } from 'vitest';
import { Packet, WeftError } from '../../../src/index.ts';

describe('Packet', () => {
  it('None is told apart from a packet with a null payload by identity', () => {
    const nullPacket = new Packet(null);
    expect(Packet.None.payload).toBeNull();
    expect(nullPacket.payload).toBeNull();
    expect(nullPacket).not.toBe(Packet.None);
    expect(Packet.None.isNone).toBe(true);
    expect(nullPacket.isNone).toBe(false);
  });

  it('isError is true for an error payload only', () => {
    expect(new Packet(new WeftError('ERR_INTERNAL', { reason: 'x' })).isError).toBe(true);
    expect(new Packet(new TypeError('x')).isError).toBe(true);
    expect(new Packet({ message: 'not an error' }).isError).toBe(false);
    expect(Packet.None.isError).toBe(false);
  });

  it('keeps its payload as given, without copying', () => {
    const payload = { a: [1, 2] };
    expect(new Packet(payload).payload).toBe(payload);
  });
});
