import { describe, expect, it } from 'vitest';
import { Scheme, type Logger, type WeftError } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { decodeBody } from '../../../codecs/queue/message.ts';
import { brokerFor, callNode, consuming, publishMany, recorder, startRuntime, waitFor } from './queue-harness.ts';

const scheme = new Scheme({ kinds: coreKinds });
const paths = (spec: Record<string, unknown>): string[] => scheme.validate({ kind: 'consumer', url: 'memory://q', queue: 'jobs', ...spec }).map((problem) => problem.path);

/** A logger keeping every line as `level message`. */
function collectingLogger(lines: string[]): Logger {
  const at = (level: string) => (fields: unknown, message?: string) => void lines.push(`${level} ${typeof fields === 'string' ? fields : message ?? ''}`);
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

describe('consumer', () => {
  it('refuses an unknown URL scheme, bad concurrency and bad retry values, naming the field', () => {
    expect(paths({ url: 'kafka://broker:9092' })).toEqual(['url']);
    expect(paths({ url: 'no-scheme' })).toEqual(['url']);
    expect(paths({ url: 'memory://' })).toEqual(['url']);
    expect(paths({ concurrency: 0 })).toEqual(['concurrency']);
    expect(paths({ concurrency: 2.5 })).toEqual(['concurrency']);
    expect(paths({ retry: { max: 0 } })).toEqual(['retry.max']);
    expect(paths({ retry: { delay: 'soon' } })).toEqual(['retry.delay']);
    expect(paths({ retry: { maxDelay: '1000h' } })).toEqual(['retry.maxDelay']);
    expect(paths({ retry: { tries: 3 } })).toEqual(['retry.tries']);
    expect(paths({ deadLetter: 'jobs' })).toEqual(['deadLetter']);
    expect(paths({ redeliverAfter: '10ms' })).toEqual(['redeliverAfter']);
    for (const url of ['memory://a', 'redis://127.0.0.1:6379/0', 'nats://127.0.0.1:4222', 'amqp://guest:guest@127.0.0.1:5672', 'mqtt://127.0.0.1:1883']) expect(paths({ url })).toEqual([]);
    expect(scheme.validate({ kind: 'publisher', url: 'kafka://x', queue: 'q' }).map((problem) => problem.path)).toEqual(['url']);
  });

  it('holds at most `concurrency` messages in flight and stops pulling while full', async () => {
    const work = recorder();
    const harness = await startRuntime([
      { kind: 'consumer', name: 'jobs', url: 'memory://c', queue: 'jobs', concurrency: 8, prefetch: 0, links: { out: [{ name: 'slow', port: 'in' }] } },
      { kind: 'record', name: 'slow', key: 'work', ms: 15 },
      { kind: 'syscall', name: 'stats', opcode: 'queues.stats' },
    ], new Map([['work', work]]));
    try {
      const { broker } = await brokerFor(harness.runtime, 'memory://c');
      await publishMany(broker, 'jobs', 80);
      await waitFor(() => work.active === 8, 2000, 'eight in flight');
      const [stats] = (await callNode(harness.runtime, 'stats', null)) as { inFlight: number; pending: number }[];
      expect(stats!.inFlight).toBe(8);
      expect(stats!.pending).toBe(72);
      await waitFor(() => work.seen.size === 80, 5000, 'all');
      expect(work.maxActive).toBe(8);
    } finally {
      await harness.close();
    }
  });

  it('writes {id, queue, attempt, body, headers}, decodes by content type and passes traceparent on through a publisher', async () => {
    const seen = recorder();
    const next = recorder();
    const harness = await startRuntime([
      { kind: 'consumer', name: 'in', url: 'memory://t', queue: 'in', links: { out: [{ name: 'seen', port: 'in' }] } },
      { kind: 'record', name: 'seen', key: 'seen', links: { out: [{ name: 'forward', port: 'in' }] } },
      { kind: 'snippet', name: 'forward', language: 'cel', code: 'self.body', links: { out: [{ name: 'publish', port: 'in' }] } },
      { kind: 'publisher', name: 'publish', url: 'memory://t', queue: 'next', headers: { 'X-Team': 'ops' } },
      { kind: 'consumer', name: 'next', url: 'memory://t', queue: 'next', links: { out: [{ name: 'next-seen', port: 'in' }] } },
      { kind: 'record', name: 'next-seen', key: 'next' },
    ], new Map([['seen', seen], ['next', next]]));
    try {
      const { broker } = await brokerFor(harness.runtime, 'memory://t');
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await broker.publish('in', { body: new TextEncoder().encode('{"n":1}'), headers: { 'weft-id': 'a', 'content-type': 'application/json', traceparent } });
      await waitFor(() => next.payloads.length === 1, 3000, 'the forwarded message');
      expect(seen.payloads[0]).toEqual({ id: 'a', queue: 'in', attempt: 1, body: { n: 1 }, headers: { 'content-type': 'application/json', traceparent } });
      expect(next.payloads[0]).toMatchObject({ queue: 'next', attempt: 1, body: { n: 1 }, headers: { traceparent, 'x-team': 'ops', 'content-type': 'application/json' } });
      expect(next.payloads[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await harness.close();
    }
    const where = { id: 'x', queue: 'q' };
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    expect(decodeBody(bytes('"hi"'), 'application/json', where)).toBe('hi');
    expect(decodeBody(bytes('42'), 'text/plain; charset=utf-8', where)).toBe('42');
    expect(decodeBody(bytes('42'), undefined, where)).toBe(42);
    expect(decodeBody(bytes('not json'), undefined, where)).toBe('not json');
    expect(decodeBody(new Uint8Array([0xff, 0xfe]), undefined, where)).toEqual(new Uint8Array([0xff, 0xfe]));
    expect(decodeBody(bytes('{}'), 'application/octet-stream', where)).toEqual(bytes('{}'));
    expect(() => decodeBody(bytes('{bad'), 'application/json', where)).toThrow(expect.objectContaining({ code: 'ERR_QUEUE_MESSAGE_INVALID' }));
  });

  it('dead-letters a malformed body with ERR_QUEUE_MESSAGE_INVALID without running it; drops and logs when there is no deadLetter', async () => {
    const work = recorder();
    const dead = recorder();
    const lines: string[] = [];
    const harness = await startRuntime([
      { kind: 'consumer', name: 'jobs', url: 'memory://m', queue: 'jobs', deadLetter: 'jobs.dead', links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'consumer', name: 'other', url: 'memory://m', queue: 'other', retry: { max: 1 }, links: { out: [{ name: 'work', port: 'in' }] } },
      { kind: 'record', name: 'work', key: 'work' },
      { kind: 'consumer', name: 'dead', url: 'memory://m', queue: 'jobs.dead', links: { out: [{ name: 'dead-letters', port: 'in' }] } },
      { kind: 'record', name: 'dead-letters', key: 'dead' },
      { kind: 'syscall', name: 'stats', opcode: 'queues.stats' },
    ], new Map([['work', work], ['dead', dead]]), { logger: collectingLogger(lines) });
    try {
      await consuming(harness.runtime, ['jobs', 'other', 'dead']);
      const { broker } = await brokerFor(harness.runtime, 'memory://m');
      const malformed = { body: new TextEncoder().encode('{"n": 1'), headers: { 'weft-id': 'bad', 'content-type': 'application/json' } };
      await broker.publish('jobs', malformed);
      await broker.publish('other', { ...malformed, headers: { ...malformed.headers, 'weft-id': 'bad2' } });
      await waitFor(() => dead.payloads.length === 1, 3000, 'the dead letter', () => lines);
      expect(work.payloads).toEqual([]);
      expect(dead.payloads[0]).toMatchObject({ id: 'bad', body: new TextEncoder().encode('{"n": 1'), headers: {
        'weft-error-code': 'ERR_QUEUE_MESSAGE_INVALID', 'weft-attempts': '1', 'weft-queue': 'jobs',
        'content-type': 'application/octet-stream', 'weft-content-type': 'application/json',
      } });
      await waitFor(() => lines.some((line) => line.includes('message dropped')), 3000, 'the drop to be logged');
      const stats = (await callNode(harness.runtime, 'stats', null)) as { name: string; deadLettered: number; dropped: number }[];
      expect(stats.find((entry) => entry.name === 'jobs')).toMatchObject({ deadLettered: 1, dropped: 0 });
      expect(stats.find((entry) => entry.name === 'other')).toMatchObject({ deadLettered: 0, dropped: 1 });
      expect(((await callNode(harness.runtime, 'stats', { name: 'nobody' })) as WeftError).code).toBe('ERR_CONSUMER_NOT_FOUND');
      expect(((await callNode(harness.runtime, 'stats', 'jobs')) as WeftError).code).toBe('ERR_SYSCALL_PAYLOAD');
    } finally {
      await harness.close();
    }
  });

  it('gives back the messages still running when it closes at the drain deadline, for redelivery', async () => {
    const work = recorder();
    const harness = await startRuntime([
      { kind: 'consumer', name: 'jobs', url: 'memory://g', queue: 'jobs', concurrency: 4, prefetch: 4, links: { out: [{ name: 'slow', port: 'in' }] } },
      { kind: 'record', name: 'slow', key: 'work', ms: 60_000 },
    ], new Map([['work', work]]), { drainTimeoutMs: 100 });
    const { broker } = await brokerFor(harness.runtime, 'memory://g');
    await publishMany(broker, 'jobs', 20);
    await waitFor(() => work.active === 4, 2000, 'four running');
    await harness.close();
    expect(await broker.depth('jobs', 'weft')).toEqual({ pending: 20 });
    const again = await broker.subscribe({ queue: 'jobs', group: 'weft', window: 20, redeliverAfterMs: 30_000, replacing: false });
    const back = await again.receive(20);
    expect(back.map((delivery) => delivery.headers['weft-id']).sort()).toEqual([...Array(20).keys()].map((n) => `m${n}`).sort());
    expect(back.every((delivery) => delivery.attempt === 1)).toBe(true);
    await again.stop();
  });
});

describe('publisher', () => {
  it('replies {id} once published, passes an error payload on, and refuses what has no JSON form', async () => {
    const harness = await startRuntime([{ kind: 'publisher', name: 'publish', url: 'memory://p', queue: 'out' }], new Map());
    try {
      const reply = (await callNode(harness.runtime, 'publish', { n: 1 })) as { id: string };
      expect(reply.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await callNode(harness.runtime, 'publish', 10n)) as WeftError).code).toBe('ERR_QUEUE_PAYLOAD_INVALID');
      const { broker } = await brokerFor(harness.runtime, 'memory://p');
      expect(await broker.depth('out', 'weft')).toEqual({ pending: 1 });
    } finally {
      await harness.close();
    }
  });

  it('answers ERR_QUEUE_PUBLISH when the broker is unreachable, within its timeout', async () => {
    const harness = await startRuntime([{ kind: 'publisher', name: 'publish', url: 'redis://127.0.0.1:1', queue: 'out', timeout: '1s' }], new Map());
    try {
      const started = Date.now();
      const reply = (await callNode(harness.runtime, 'publish', 'x')) as WeftError;
      expect(reply.code).toBe('ERR_QUEUE_PUBLISH');
      expect(reply.category).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await harness.close();
    }
  });
});
