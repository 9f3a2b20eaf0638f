// An unreachable broker: the consumer retries with backoff and logs once per state change, the
// engine keeps serving its other workflows, and consuming resumes when the broker is back.
// The backoff itself is measured against a server that accepts each connection and drops it.
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/index.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { startTcpProxy } from '../../fixtures/tcp-proxy.ts';
import { brokerFor, consuming, publishMany, recorder, startRuntime, uniqueQueue, waitFor } from './queue-harness.ts';

const redis = await serviceAvailable('redis');

function collectingLogger(lines: string[]): Logger {
  const at = (level: string) => (fields: unknown, message?: string) => void lines.push(`${level} ${typeof fields === 'string' ? fields : message ?? ''}`);
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

describe.skipIf(!redis.available)('consumer with an unreachable broker', () => {
  it('keeps the engine serving, retries with one log line per state change, and consumes once the broker is back', async () => {
    const target = new URL(redis.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.cut();
    const queue = uniqueQueue('weft-test-outage');
    const lines: string[] = [];
    const far = recorder();
    const near = recorder();
    const harness = await startRuntime([
      { kind: 'consumer', name: 'far', url: `redis://127.0.0.1:${proxy.port}`, queue, links: { out: [{ name: 'far-done', port: 'in' }] } },
      { kind: 'record', name: 'far-done', key: 'far' },
      { kind: 'consumer', name: 'near', url: 'memory://outage', queue: 'local', links: { out: [{ name: 'near-done', port: 'in' }] } },
      { kind: 'record', name: 'near-done', key: 'near' },
    ], new Map([['far', far], ['near', near]]), { logger: collectingLogger(lines) });
    const { broker: local } = await brokerFor(harness.runtime, 'memory://outage');
    const { broker: remote, release } = await brokerFor(harness.runtime, redis.url);
    try {
      expect(harness.runtime.status().every((node) => node.state === 'active')).toBe(true);
      await publishMany(local, 'local', 10);
      await waitFor(() => near.seen.size === 10, 3000, 'the memory consumer to serve');
      await new Promise((resolve) => setTimeout(resolve, 2500)); // several reconnection attempts
      const unavailable = (): string[] => lines.filter((line) => line.includes('queue broker unavailable'));
      expect(unavailable()).toHaveLength(1);
      expect(unavailable()[0]).toMatch(/^warn /);

      await proxy.restore();
      await consuming(harness.runtime, ['far'], 35_000);
      expect(lines.filter((line) => line.includes('reachable again'))).toHaveLength(1);
      await publishMany(remote, queue, 5);
      await waitFor(() => far.seen.size === 5, 5000, 'the redis consumer to consume');
      expect(unavailable()).toHaveLength(1);
    } finally {
      await release();
      await harness.close();
      await proxy.close();
    }
  }, 60_000);
});

describe('consumer reconnecting to a broker that drops every connection', () => {
  it('waits longer after each failed attempt (backoff from 200 ms, doubling) and logs the outage once', async () => {
    const accepted: number[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      accepted.push(performance.now());
      sockets.add(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const lines: string[] = [];
    const harness = await startRuntime([
      { kind: 'consumer', name: 'far', url: `redis://127.0.0.1:${port}`, queue: uniqueQueue('weft-test-backoff'), links: { out: [{ name: 'far-done', port: 'in' }] } },
      { kind: 'record', name: 'far-done', key: 'far' },
    ], new Map([['far', recorder()]]), { logger: collectingLogger(lines) });
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      // Attempts at 0, ~150, ~450, ~1050, ~2250 ms: 4 to 6 in 3 s; a fixed 200 ms would make 15.
      expect(accepted.length).toBeGreaterThanOrEqual(3);
      expect(accepted.length).toBeLessThanOrEqual(7);
      const gaps = accepted.slice(1).map((at, index) => at - accepted[index]!);
      expect(gaps.at(-1)!).toBeGreaterThan(2 * gaps[0]!);
      expect(lines.filter((line) => line.includes('queue broker unavailable'))).toHaveLength(1);
      expect(harness.runtime.status().every((node) => node.state === 'active')).toBe(true);
    } finally {
      await harness.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 15_000);
});
