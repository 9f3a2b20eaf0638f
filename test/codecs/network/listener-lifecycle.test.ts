import { afterEach, describe, expect, it } from 'vitest';
import { InPort, Packet, Scheme, WeftError } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { testContext } from '../../harness/wire.ts';
import { until } from '../../harness/wait.ts';

const opened: ListenerNode[] = [];

afterEach(async () => {
  for (const node of opened.splice(0)) await node.close();
});

/** Compiles a listener spec on 127.0.0.1 whose out-port replies `text`. */
async function listener(text: string, port = 0, context = testContext()): Promise<ListenerNode> {
  const node = (await new Scheme({ kinds: coreKinds }).compile({ kind: 'listener', protocol: 'http', host: '127.0.0.1', port }, context)) as ListenerNode;
  node.out('out')!.link(new InPort('in', () => new Packet(text)));
  opened.push(node);
  return node;
}

async function get(port: number, path = '/'): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return `${response.status} ${await response.text()}`;
}

describe('listener lifecycle', () => {
  it('listens on activate (idempotently) and exposes the bound port', async () => {
    const node = await listener('up');
    expect(node.port).toBeUndefined();
    await Promise.all([node.activate(), node.activate()]);
    const port = node.port!;
    expect(port).toBeGreaterThan(0);
    await node.activate();
    expect(node.port).toBe(port);
    expect(node.address()).toEqual({ host: '127.0.0.1', port });
    expect(await get(port)).toBe('200 up');
  });

  it('stops listening on deactivate and listens again on the next activate', async () => {
    const node = await listener('again');
    await node.activate();
    const port = node.port!;
    await node.deactivate();
    expect(node.port).toBeUndefined();
    await expect(get(port)).rejects.toThrow();
    await node.activate();
    expect(await get(node.port!)).toBe('200 again');
  });

  it('fails to bind a taken port with ERR_LISTEN_FAILED and stays usable', async () => {
    const first = await listener('first');
    await first.activate();
    const second = await listener('second', first.port!);
    await expect(second.activate()).rejects.toMatchObject({ code: 'ERR_LISTEN_FAILED' });
    await expect(second.activate()).rejects.toBeInstanceOf(WeftError);
    await first.close();
    await second.activate();
    expect(await get(second.port!)).toBe('200 second');
  });

  it('refuses activation once closed (ERR_NODE_CLOSED)', async () => {
    const node = await listener('closed');
    await node.close();
    await node.close();
    await expect(node.activate()).rejects.toMatchObject({ code: 'ERR_NODE_CLOSED' });
  });

  it('answers 503 ERR_SHUTTING_DOWN once the process group stops admitting', async () => {
    const context = testContext();
    const node = await listener('late', 0, context);
    await node.activate();
    await context.processes.drain(100);
    const response = await fetch(`http://127.0.0.1:${node.port}/`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ERR_SHUTTING_DOWN');
  });

  it('adopt keeps the socket across a reload: no request refused, in-flight ones finish on the old node', async () => {
    const old = await listener('old');
    await old.activate();
    const port = old.port!;
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    let arrived = 0;
    old.out('out')!.link(new InPort('slow', () => (arrived++, slowGate.then(() => new Packet('slow-old')))));
    old.out('out')!.unlink(old.out('out')!.links[0]!);
    const inFlight = get(port, '/slow');

    let stop = false;
    const results: string[] = [];
    const load = (async () => {
      while (!stop) results.push(await get(port).catch((error: unknown) => `failed ${String(error)}`));
    })();
    // Requests made now wait in the old node's slow port until it is released.
    await until(() => arrived >= 2, 5000);

    const next = await listener('new');
    next.adopt(old);
    await next.activate();
    await old.deactivate();
    await old.close();
    expect(next.port).toBe(port);
    releaseSlow();
    expect(await inFlight).toBe('200 slow-old');
    await until(() => results.length > 3 && results.at(-1) === '200 new', 5000);
    stop = true;
    await load;

    expect(results.length).toBeGreaterThan(3);
    expect(results.filter((result) => result.startsWith('failed'))).toEqual([]);
    expect(results.at(-1)).toBe('200 new');
    expect(await get(port)).toBe('200 new');
  });

  it('does not adopt a listener on another address, or one that is not listening', async () => {
    const old = await listener('old');
    await old.activate();
    const other = await listener('other', 0);
    const elsewhere = (await new Scheme({ kinds: coreKinds }).compile(
      { kind: 'listener', protocol: 'http', host: '127.0.0.2', port: 0 }, testContext())) as ListenerNode;
    opened.push(elsewhere);
    elsewhere.adopt(old);
    expect(elsewhere.port).toBeUndefined();
    const idle = await listener('idle');
    other.adopt(idle);
    expect(other.port).toBeUndefined();
    await other.activate();
    expect(other.port).not.toBe(old.port);
    expect(await get(old.port!)).toBe('200 old');
  });
});
