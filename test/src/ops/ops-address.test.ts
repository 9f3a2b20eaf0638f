import { describe, expect, it } from 'vitest';
import { HealthRegistry, parseOpsAddress } from '../../../src/index.ts';

describe('parseOpsAddress', () => {
  it('takes loopback HOST:PORT (IPv4, IPv6 in brackets, localhost)', () => {
    expect(parseOpsAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseOpsAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseOpsAddress('localhost:9')).toEqual({ host: 'localhost', port: 9 });
  });

  it('refuses a public host unless bindPublic, and malformed addresses, with ERR_OPS_ADDRESS_INVALID', () => {
    for (const text of ['0.0.0.0:9464', '10.1.2.3:1', 'example.com:80', '9464', '127.0.0.1:70000', '[nope]:1']) {
      expect(() => parseOpsAddress(text), text).toThrow(expect.objectContaining({ code: 'ERR_OPS_ADDRESS_INVALID' }));
    }
    expect(parseOpsAddress('0.0.0.0:9464', { bindPublic: true })).toEqual({ host: '0.0.0.0', port: 9464 });
  });
});

describe('HealthRegistry', () => {
  it('reports every contributor by name, a throwing check as not ok, and unregisters only its own registration', () => {
    const registry = new HealthRegistry();
    const leaveA = registry.register('a', () => ({ ok: true }));
    registry.register('c', () => {
      throw new Error('boom');
    });
    registry.register('b', () => ({ ok: false, reason: 'down' }));
    expect(registry.check()).toEqual([{ name: 'a', ok: true }, { name: 'b', ok: false, reason: 'down' }, { name: 'c', ok: false, reason: 'boom' }]);
    const leaveOld = registry.register('a', () => ({ ok: false }));
    registry.register('a', () => ({ ok: true, reason: 'replaced' }));
    leaveOld();
    leaveA();
    expect(registry.check()[0]).toEqual({ name: 'a', ok: true, reason: 'replaced' });
  });
});
