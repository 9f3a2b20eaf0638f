import { afterEach, describe, expect, it } from 'vitest';
import type { WeftError} from '../../../src/index.ts';
import { Packet, Scheme, type NetworkPolicy, type Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { isLoopbackAddress } from '../../../codecs/network/listener/host-names.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { exchange, statusOf } from '../../harness/raw-http.ts';
import { testContext } from '../../harness/wire.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const loopbackOnly: NetworkPolicy = { bind: 'loopback', allowedHosts: ['admin.example.com'] };

async function compile(spec: Partial<Spec>, network: NetworkPolicy | undefined): Promise<ListenerNode | WeftError> {
  try {
    const node = await new Scheme({ kinds: coreKinds }).compile({ kind: 'listener', protocol: 'http', port: 0, ...spec }, testContext({ network }));
    return node as ListenerNode;
  } catch (thrown) {
    return thrown as WeftError;
  }
}

describe('listener network policy (the admin plane)', () => {
  it('binds loopback when the spec names no host, and refuses a wider address unless the policy allows any', async () => {
    const unset = await compile({}, loopbackOnly);
    expect((unset as ListenerNode).host).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'example.com']) {
      expect(await compile({ host, name: 'admin' }, loopbackOnly), host).toMatchObject({ code: 'ERR_LISTEN_NOT_ALLOWED', params: { node: 'admin', host } });
    }
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost']) {
      expect(await compile({ host }, loopbackOnly), host).toMatchObject({ host });
    }
    expect(await compile({ host: '0.0.0.0' }, { bind: 'any', allowedHosts: [] })).toMatchObject({ host: '0.0.0.0' });
    expect(((await compile({}, { bind: 'any', allowedHosts: [] })) as ListenerNode).host).toBe('127.0.0.1');
    // Without a policy too: loopback unless the spec says otherwise (issue 12: no surprise exposure).
    expect(((await compile({}, undefined)) as ListenerNode).host).toBe('127.0.0.1');
  });

  it('serves only requests for loopback names and configured ones (DNS rebinding): others get 403 ERR_HTTP_HOST_NOT_ALLOWED', async () => {
    server = await startListener({ out: () => new Packet('ok') }, testContext({ network: loopbackOnly }));
    const port = server.node.port!;
    const ask = async (head: string): Promise<string> => {
      const result = await exchange(port, `${head}\r\nConnection: close\r\n\r\n`, { waitMs: 1000 });
      return `${statusOf(result.response)}${result.response.includes('ERR_HTTP_HOST_NOT_ALLOWED') ? ' ERR_HTTP_HOST_NOT_ALLOWED' : ''}`;
    };
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST.', `admin.example.com:${port}`, 'Admin.Example.Com']) {
      expect(await ask(`GET / HTTP/1.1\r\nHost: ${host}`), host).toBe('200');
    }
    for (const host of [`evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.nip.io', `admin.example.com.evil:${port}`]) {
      expect(await ask(`GET / HTTP/1.1\r\nHost: ${host}`), host).toBe('403 ERR_HTTP_HOST_NOT_ALLOWED');
    }
    expect(await ask('GET / HTTP/1.0')).toBe('403 ERR_HTTP_HOST_NOT_ALLOWED');
  });

  it('serves any Host without a policy', async () => {
    server = await startListener({ out: () => new Packet('ok') });
    const result = await exchange(server.node.port!, 'GET / HTTP/1.1\r\nHost: anything.example\r\nConnection: close\r\n\r\n', { waitMs: 1000 });
    expect(statusOf(result.response)).toBe(200);
  });

  it.each([
    ['127.0.0.1', true], ['127.255.0.9', true], ['::1', true], ['0:0:0:0:0:0:0:1', true], ['::ffff:127.0.0.1', true], ['localhost', true],
    ['0.0.0.0', false], ['::', false], ['192.168.1.2', false], ['::ffff:10.0.0.1', false], ['localhost.example', false], ['128.0.0.1', false],
  ])('isLoopbackAddress(%s) is %s', (host, loopback) => {
    expect(isLoopbackAddress(host)).toBe(loopback);
  });
});
