import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultLanguages, Packet, Process, Runtime, Scheme, WeftError, type Logger, type Spec } from '../../../src/index.ts';
import { MemoryStore } from '../../../src/store/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { hopSpans } from '../../../codecs/_shared/trace/hop-spans.ts';
import { endProcessSpan, startProcessSpan } from '../../../codecs/_shared/trace/process-span.ts';
import { startTracing, type Tracing } from '../../../cli/tracing/start-tracing.ts';
import { traceLogFields } from '../../../cli/tracing/trace-log-fields.ts';
import { withHopSpans } from '../../../cli/tracing/with-hop-spans.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../harness/otlp-receiver.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { wire } from '../../harness/wire.ts';
import { closed, connect, echoFlow, nextMessage } from '../../codecs/network/ws/ws-flow.ts';

const redis = await serviceAvailable('redis');
if (!redis.available) console.warn(`start-tracing: the Redis queue hop is skipped (${redis.reason})`);

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const ERROR = 2;

/** A runtime of `namespace` on a memory store holding `specs`. */
async function engine(namespace: string, specs: readonly Spec[], logger?: Logger): Promise<Runtime> {
  const store = new MemoryStore();
  await store.insert(specs.map((spec) => ({ namespace, ...spec })));
  const runtime = new Runtime({ namespace, store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), logger, drainTimeoutMs: 2000 });
  await runtime.start();
  return runtime;
}

function portOf(runtime: Runtime): number {
  return (runtime.table.byName('http')!.node as ListenerNode).port!;
}

describe('tracing with the OpenTelemetry SDK (two engines in one process, one OTLP/HTTP receiver)', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let alpha: Runtime;
  let beta: Runtime;
  const lines: Record<string, unknown>[] = [];
  const broker = `memory://${randomUUID().slice(0, 8)}`;
  const alphaNs = `alpha-${randomUUID().slice(0, 6)}`;
  const betaNs = `beta-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = (await startTracing({ otel: receiver.url, env: {}, namespace: 'test', logger: pino({ level: 'silent' }) as unknown as Logger, scheduledDelayMs: 50 }))!;
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(JSON.parse(chunk.toString('utf8'))); done(); } });
    const betaLogger = pino({ level: 'info', mixin: traceLogFields }, sink) as unknown as Logger;
    beta = await engine(betaNs, [
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'router', port: 'in' }] } },
      {
        kind: 'router', name: 'router',
        routes: [{ method: 'GET', path: '/work', port: 'out[0]' }, { method: 'GET', path: '/fail', port: 'out[1]' }],
        links: { 'out[0]': [{ name: 'enqueue', port: 'in' }], 'out[1]': [{ name: 'boom', port: 'in' }] },
      },
      { kind: 'publisher', name: 'enqueue', url: broker, queue: 'jobs' },
      { kind: 'throw', name: 'boom', message: 'broken on purpose' },
      { kind: 'consumer', name: 'jobs', url: broker, queue: 'jobs', links: { out: [{ name: 'done', port: 'in' }] } },
      { kind: 'snippet', name: 'done', language: 'text', code: 'ok' },
    ], betaLogger);
    alpha = await engine(alphaNs, [
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'call', port: 'in' }] } },
      { kind: 'http', name: 'call', url: `http://127.0.0.1:${portOf(beta)}` },
    ]);
  });

  afterAll(async () => {
    await alpha?.close();
    await beta?.close();
    await tracing?.shutdown();
    await receiver?.close();
  });

  /** Flushes until `check` holds on the spans received (bounded). */
  async function received(check: (spans: ReceivedSpan[]) => boolean, what: string): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      await tracing.flush();
      if (check(receiver.spans)) return receiver.spans;
      if (Date.now() > deadline) throw new Error(`no ${what} within 5 s: ${JSON.stringify(receiver.spans.map((span) => span.name))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const ofTrace = (spans: ReceivedSpan[], traceId: string) => spans.filter((span) => span.traceId === traceId);

  it('one trace runs listener → http client → the second engine\'s listener → publisher → consumer', async () => {
    const response = await fetch(`http://127.0.0.1:${portOf(alpha)}/work`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    const first = await received((spans) => spans.some((span) => span.kind === SERVER && span.attributes['weft.namespace'] === alphaNs), 'alpha server span');
    const root = first.find((span) => span.kind === SERVER && span.attributes['weft.namespace'] === alphaNs)!;
    const spans = await received((all) => ofTrace(all, root.traceId).some((span) => span.kind === CONSUMER), 'consumer span');
    const trace = ofTrace(spans, root.traceId);
    const client = trace.find((span) => span.kind === CLIENT)!;
    const betaServer = trace.find((span) => span.kind === SERVER && span.attributes['weft.namespace'] === betaNs)!;
    const producer = trace.find((span) => span.kind === PRODUCER)!;
    const consumer = trace.find((span) => span.kind === CONSUMER)!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/work', 'http.response.status_code': 200, 'weft.node': 'http', 'weft.kind': 'listener' });
    expect(client.parentSpanId).toBe(root.spanId);
    expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(betaServer.parentSpanId).toBe(client.spanId);
    expect(betaServer.attributes).toMatchObject({ 'url.path': '/work', 'http.response.status_code': 200 });
    expect(producer.parentSpanId).toBe(betaServer.spanId);
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'memory', 'messaging.destination.name': 'jobs', 'messaging.operation.type': 'send' });
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.system': 'memory', 'messaging.destination.name': 'jobs', 'weft.namespace': betaNs, 'weft.node': 'jobs', 'weft.outcome': 'acked' });
    expect(root.resource['service.name']).toBe('weft');
  });

  it('continues the traceparent a client sends', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const response = await fetch(`http://127.0.0.1:${portOf(alpha)}/work?again=1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    const spans = await received((all) => ofTrace(all, traceId).some((span) => span.kind === CONSUMER), 'consumer span of the given trace');
    const root = ofTrace(spans, traceId).find((span) => span.kind === SERVER && span.attributes['weft.namespace'] === alphaNs)!;
    expect(root.parentSpanId).toBe('00f067aa0ba902b7');
  });

  it('marks a 500 reply\'s span as an error and puts its trace id on the log line', async () => {
    const response = await fetch(`http://127.0.0.1:${portOf(beta)}/fail`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(500);
    const spans = await received((all) => all.some((span) => span.attributes['url.path'] === '/fail'), 'the /fail span');
    const failed = spans.find((span) => span.attributes['url.path'] === '/fail')!;
    expect(failed.status).toBe(ERROR);
    expect(failed.attributes['http.response.status_code']).toBe(500);
    const line = lines.find((fields) => fields.trace_id === failed.traceId);
    expect(line).toMatchObject({ span_id: failed.spanId, trace_flags: '01' });
  });

  it.skipIf(!redis.available)('a Redis queue hop carries the trace: publisher → broker → consumer', async () => {
    const queue = `trace-${randomUUID().slice(0, 8)}`;
    const gamma = await engine(`gamma-${randomUUID().slice(0, 6)}`, [
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'enqueue', port: 'in' }] } },
      { kind: 'publisher', name: 'enqueue', url: redis.url, queue },
      { kind: 'consumer', name: 'jobs', url: redis.url, queue, links: { out: [{ name: 'done', port: 'in' }] } },
      { kind: 'snippet', name: 'done', language: 'text', code: 'ok' },
    ]);
    try {
      const traceId = randomUUID().replaceAll('-', '');
      const response = await fetch(`http://127.0.0.1:${portOf(gamma)}/redis`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(200);
      const spans = ofTrace(await received((all) => ofTrace(all, traceId).some((span) => span.kind === CONSUMER), 'the redis consumer span'), traceId);
      const producer = spans.find((span) => span.kind === PRODUCER)!;
      const consumer = spans.find((span) => span.kind === CONSUMER)!;
      expect(producer.attributes['messaging.system']).toBe('redis');
      expect(consumer.parentSpanId).toBe(producer.spanId);
      expect(consumer.attributes).toMatchObject({ 'messaging.system': 'redis', 'messaging.destination.name': queue });
    } finally {
      await gamma.close();
    }
  });

  it('a schedule tick is its own trace, named after the schedule', async () => {
    const name = `tick-${randomUUID().slice(0, 6)}`;
    const wired = await wire([
      { kind: 'schedule', name, interval: '100ms', links: { out: [{ name: 'done', port: 'in' }] } },
      { kind: 'snippet', name: 'done', language: 'text', code: 'ok' },
    ]);
    try {
      const spans = await received((all) => all.some((span) => span.name === `tick ${name}`), 'a tick span');
      const tick = spans.find((span) => span.name === `tick ${name}`)!;
      expect(tick.parentSpanId).toBeUndefined();
      expect(tick.attributes).toMatchObject({ 'weft.kind': 'schedule', 'weft.node': name });
      expect(tick.status).toBe(0);
    } finally {
      await wired.close();
    }
  });

  it('each WebSocket frame is a span linked to the span of the upgrade request', async () => {
    const wired = await wire(echoFlow());
    try {
      const socket = await connect(`ws://127.0.0.1:${(wired.node('http') as ListenerNode).port}/ws`);
      const echo = nextMessage(socket);
      socket.send('hello');
      expect(String(await echo)).toBe('hello');
      socket.close();
      await closed(socket);
      const spans = await received((all) => all.some((span) => span.attributes['websocket.frame.type'] === 1), 'a frame span');
      const frame = spans.find((span) => span.attributes['websocket.frame.type'] === 1)!;
      const upgrade = spans.find((span) => span.spanId === frame.links[0]?.spanId)!;
      expect(upgrade.attributes).toMatchObject({ 'url.path': '/ws', 'http.response.status_code': 101 });
      expect(frame.traceId).not.toBe(upgrade.traceId);
      expect(frame.attributes).toMatchObject({ 'weft.kind': 'upgrader', 'weft.node': 'ws' });
    } finally {
      await wired.close();
    }
  });

  it('hopSpans makes a child span per node hop of a traced process, with error status on an error reply', async () => {
    const process = new Process();
    const span = startProcessSpan(process, { name: 'hop test', kind: 'internal' })!;
    const probe = hopSpans.probe({ namespace: betaNs, source: { node: 'a', kind: 'snippet', port: 'out' }, target: { node: 'b', kind: 'throw', port: 'in' } });
    const token = probe.enter(process, new Packet(1));
    probe.leave(process, new Packet(new WeftError('ERR_THROWN_INTERNAL', { message: 'x' })), token);
    endProcessSpan(span);
    await process.finish();
    const traceId = span.spanContext().traceId;
    const spans = await received((all) => ofTrace(all, traceId).length === 2, 'the hop span');
    const hop = ofTrace(spans, traceId).find((received) => received.name === 'b')!;
    expect(hop.parentSpanId).toBe(span.spanContext().spanId);
    expect(hop.status).toBe(ERROR);
    expect(hop.attributes).toMatchObject({ 'weft.node': 'b', 'weft.kind': 'throw', 'weft.source.node': 'a', 'error.type': 'ERR_THROWN_INTERNAL' });
    // An untraced process costs no span.
    expect(probe.enter(new Process(), new Packet(1))).toBeUndefined();
  });

  it('withHopSpans adds hop spans to another observer, which still sees every hop with its own token', async () => {
    const seen: string[] = [];
    const inner = {
      probe: () => ({ enter: () => 'mine', leave: (_p: Process, _r: Packet, token: unknown) => void seen.push(String(token)) }),
      started: () => void seen.push('started'), ended: () => void seen.push('ended'), loaderEvent: () => void seen.push('loaded'),
    };
    const observer = withHopSpans(inner);
    const process = new Process();
    const span = startProcessSpan(process, { name: 'composed', kind: 'internal' })!;
    const probe = observer.probe({ namespace: 'n', source: { node: 'a', kind: 'k', port: 'out' }, target: { node: 'composed-hop', kind: 'k', port: 'in' } });
    probe.leave(process, new Packet(1), probe.enter(process, new Packet(1)));
    observer.started(process);
    observer.ended(process, 1);
    observer.loaderEvent({});
    endProcessSpan(span);
    expect(seen).toEqual(['mine', 'started', 'ended', 'loaded']);
    const traceId = span.spanContext().traceId;
    const spans = await received((all) => ofTrace(all, traceId).some((one) => one.name === 'composed-hop'), 'the composed hop span');
    expect(ofTrace(spans, traceId).find((one) => one.name === 'composed-hop')!.parentSpanId).toBe(span.spanContext().spanId);
    expect(withHopSpans(undefined).probe({ namespace: 'n', source: { node: 'a', kind: 'k', port: 'out' }, target: { node: 'b', kind: 'k', port: 'in' } }).enter(new Process(), new Packet(1))).toBeUndefined();
  });
});
