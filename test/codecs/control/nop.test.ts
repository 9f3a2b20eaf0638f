import { describe, expect, it } from 'vitest';
import { Packet, WeftError } from '../../../src/index.ts';
import { wire } from '../../harness/wire.ts';

describe('nop', () => {
  it('answers every packet with None', async () => {
    const wired = await wire([{ kind: 'nop', name: 'sink' }]);
    try {
      expect(await wired.send('sink', { a: 1 })).toBe(Packet.None);
      expect(await wired.send('sink', new WeftError('ERR_INTERNAL', { reason: 'x' }))).toBe(Packet.None);
    } finally {
      await wired.close();
    }
  });

  it('has an in-port only', async () => {
    const wired = await wire([{ kind: 'nop', name: 'sink' }]);
    const node = wired.node('sink');
    expect(node.in('in')).toBeDefined();
    expect(node.out('out')).toBeUndefined();
    expect(node.out('error')).toBeUndefined();
    await wired.close();
  });

  it('is a link target that makes the upstream reply None', async () => {
    const wired = await wire([
      { kind: 'snippet', name: 'first', language: 'text', code: 'x', links: { out: [{ name: 'sink', port: 'in' }] } },
      { kind: 'nop', name: 'sink' },
    ]);
    try {
      expect(await wired.send('first', 1)).toBe(Packet.None);
    } finally {
      await wired.close();
    }
  });

  it('refuses links from its missing out-ports (ERR_PORT_UNKNOWN problem)', async () => {
    await expect(wire([{ kind: 'nop', name: 'sink', links: { out: [{ name: 'x', port: 'in' }] } }])).rejects.toMatchObject({
      code: 'ERR_SPEC_INVALID',
      details: [expect.objectContaining({ code: 'ERR_PORT_UNKNOWN', path: 'links.out' })],
    });
  });
});
