import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Logger } from '../../../src/index.ts';
import type { GrpcListenerNode } from '../../../codecs/network/grpc/grpc-listener-node.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { startTracing, type Tracing } from '../../../cli/tracing/start-tracing.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../harness/otlp-receiver.ts';
import { callError, testClient } from './grpc/grpc-clients.ts';

const proto = fileURLToPath(new URL('../../../examples/grpc/calculator.proto', import.meta.url));
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

describe('gRPC under tracing (OpenTelemetry SDK, OTLP/HTTP receiver)', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let back: Runtime;
  let front: Runtime;

  async function engine(namespace: string, specs: Parameters<MemoryStore['insert']>[0]): Promise<Runtime> {
    const store = new MemoryStore();
    await store.insert(specs.map((spec) => ({ namespace, ...spec })));
    const runtime = new Runtime({ namespace, store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
    await runtime.start();
    return runtime;
  }
  const portOf = (runtime: Runtime): number => (runtime.table.byName('calc')!.node as GrpcListenerNode).port!;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = (await startTracing({ otel: receiver.url, env: {}, namespace: 'test', logger: pino({ level: 'silent' }) as unknown as Logger, scheduledDelayMs: 50 }))!;
    back = await engine('back', [
      { kind: 'listener', name: 'calc', protocol: 'grpc', port: 0, proto, links: { 'Calculator-Add': [{ name: 'sum', port: 'in' }], 'Calculator-Divide': [{ name: 'nope', port: 'in' }] } },
      { kind: 'snippet', name: 'sum', language: 'cel', code: '{"result": double(self.a) + double(self.b)}' },
      { kind: 'throw', name: 'nope', category: 'invalid argument', message: 'no' },
    ]);
    front = await engine('front', [
      { kind: 'listener', name: 'calc', protocol: 'grpc', port: 0, proto, links: { 'Calculator-Add': [{ name: 'add', port: 'in' }], 'Calculator-Divide': [{ name: 'divide', port: 'in' }] } },
      { kind: 'grpc', name: 'add', target: `127.0.0.1:${portOf(back)}`, proto, method: 'calculator.Calculator/Add' },
      { kind: 'grpc', name: 'divide', target: `127.0.0.1:${portOf(back)}`, proto, method: 'calculator.Calculator/Divide' },
    ]);
  });

  afterAll(async () => {
    await front?.close();
    await back?.close();
    await tracing?.shutdown();
    await receiver?.close();
  });

  async function received(check: (spans: ReceivedSpan[]) => boolean, what: string): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      await tracing.flush();
      if (check(receiver.spans)) return receiver.spans;
      if (Date.now() > deadline) throw new Error(`no ${what} within 5 s: ${JSON.stringify(receiver.spans.map((span) => span.name))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('one trace runs front listener → grpc client → back listener; a refused call is an error span with its status, passed through as a proxy', async () => {
    const calc = testClient(proto, 'calculator.Calculator', `127.0.0.1:${portOf(front)}`);
    try {
      expect(await calc.unary('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
      expect((await callError(calc.unary('Divide', { a: 1, b: 2 }))).code).toBe(3);
    } finally {
      calc.close();
    }
    const isServer = (namespace: string, name: string) => (span: ReceivedSpan) => span.kind === SERVER && span.attributes['weft.namespace'] === namespace && span.name === name;
    const spans = await received((all) => all.filter((span) => span.kind === SERVER).length >= 4, 'four server spans');
    const root = spans.find(isServer('front', 'calculator.Calculator/Add'))!;
    const client = spans.find((span) => span.kind === CLIENT && span.parentSpanId === root.spanId)!;
    const inner = spans.find((span) => isServer('back', 'calculator.Calculator/Add')(span) && span.traceId === root.traceId)!;
    expect(root.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'calculator.Calculator', 'rpc.method': 'Add', 'rpc.grpc.status_code': 0, 'weft.node': 'calc' });
    expect(client.name).toBe('calculator.Calculator/Add');
    expect(inner.parentSpanId).toBe(client.spanId);
    const refused = spans.find(isServer('front', 'calculator.Calculator/Divide'))!;
    expect(refused.status).toBe(ERROR);
    expect(refused.attributes).toMatchObject({ 'rpc.grpc.status_code': 3, 'error.type': 'ERR_GRPC_STATUS' });
  });
});
