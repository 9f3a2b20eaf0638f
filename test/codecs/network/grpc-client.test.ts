import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, Metadata, Server, ServerCredentials, status, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Packet, Process, type WeftError } from '../../../src/index.ts';
import { freePort } from '../../harness/cli.ts';
import { within } from '../../harness/wait.ts';
import { wire } from '../../harness/wire.ts';
import type { GrpcListenerNode } from '../../../codecs/network/grpc/grpc-listener-node.ts';
import { testClient } from './grpc/grpc-clients.ts';

const calculatorProto = fileURLToPath(new URL('../../../examples/grpc/calculator.proto', import.meta.url));
const streamsProto = fileURLToPath(new URL('./grpc/streams.proto', import.meta.url));
const N = 10_000;

type Callback = (error: { code: number; details: string; metadata?: Metadata } | null, response?: object) => void;

function serviceOf(proto: string, name: string): ServiceDefinition {
  let found: unknown = loadPackageDefinition(loadSync(proto, { keepCase: true, longs: String, defaults: true }));
  for (const part of name.split('.')) found = (found as Record<string, unknown>)[part];
  return (found as { service: ServiceDefinition }).service;
}

/** A grpc-js server that is not weft: the calculator (Add, Divide with INVALID_ARGUMENT, Subtract never answers) and the stream methods. */
async function startServer(): Promise<{ target: string; seen: Metadata[]; close(): void }> {
  const server = new Server();
  const seen: Metadata[] = [];
  const calculator: UntypedServiceImplementation = {
    Add: (call: { request: { a: number; b: number }; metadata: Metadata }, callback: Callback) => {
      seen.push(call.metadata);
      callback(null, { result: call.request.a + call.request.b });
    },
    Multiply: (call: { request: { a: number; b: number } }, callback: Callback) => callback(null, { result: call.request.a * call.request.b }),
    Divide: (call: { request: { a: number; b: number } }, callback: Callback) => {
      const metadata = new Metadata();
      metadata.set('weft-error-code', 'ERR_REMOTE');
      if (call.request.b === 0) callback({ code: status.INVALID_ARGUMENT, details: 'division by zero', metadata });
      else callback(null, { result: call.request.a / call.request.b });
    },
    Subtract: () => undefined,
  };
  const streams: UntypedServiceImplementation = {
    Range: (call: NodeJS.EventEmitter & { request: { n: number }; write(item: object): boolean; end(): void }) => {
      void (async () => {
        for (let seq = 0; seq < call.request.n; seq++) {
          if (!call.write({ seq, text: `r${seq}` })) await new Promise((resolve) => call.once('drain', resolve));
        }
        call.end();
      })();
    },
    Collect: (call: NodeJS.EventEmitter, callback: Callback) => {
      const seqs: number[] = [];
      call.on('data', (item: { seq: number }) => seqs.push(item.seq));
      call.on('end', () => callback(null, { count: seqs.length, seqs }));
    },
    Echo: (call: NodeJS.EventEmitter & { write(item: object): boolean; end(): void }) => {
      call.on('data', (item: { seq: number; text: string }) => call.write({ seq: item.seq, text: `${item.text}?` }));
      call.on('end', () => call.end());
    },
  };
  server.addService(serviceOf(calculatorProto, 'calculator.Calculator'), calculator);
  server.addService(serviceOf(streamsProto, 'streams.Streams'), streams);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))));
  return { target: `127.0.0.1:${port}`, seen, close: () => server.forceShutdown() };
}

const codeOf = (packet: Packet): string | undefined => (packet.payload as WeftError).code;

describe('grpc (client kind) against a grpc-js server that is not weft', () => {
  let upstream: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    upstream = await startServer();
  });
  afterAll(() => upstream.close());

  const node = (name: string, proto: string, method: string, extra: Record<string, unknown> = {}) => ({ kind: 'grpc', name, target: upstream.target, proto, method, ...extra });

  it('calls a unary method: the payload is the request, the reply the response; metadata goes along', async () => {
    const wired = await wire([node('add', calculatorProto, 'calculator.Calculator/Add', { metadata: { 'x-tenant': 'acme' } }), node('times', calculatorProto, '/calculator.Calculator/Multiply')]);
    try {
      expect((await within(wired.send('add', { a: 2, b: 40 }))).payload).toEqual({ result: 42 });
      expect((await within(wired.send('times', { a: 6, b: 7n }))).payload).toEqual({ result: 42 });
      expect(upstream.seen.at(-1)!.get('x-tenant')).toEqual(['acme']);
    } finally {
      await wired.close();
    }
  });

  it('turns an error status into ERR_GRPC_STATUS with the status and the server\'s weft code', async () => {
    const wired = await wire([node('divide', calculatorProto, 'calculator.Calculator/Divide')]);
    try {
      const reply = await within(wired.send('divide', { a: 1, b: 0 }));
      expect(codeOf(reply)).toBe('ERR_GRPC_STATUS');
      const error = reply.payload as WeftError;
      expect(error.params).toMatchObject({ method: 'calculator.Calculator/Divide', status: 'INVALID_ARGUMENT', code: status.INVALID_ARGUMENT, details: 'division by zero' });
      expect(error.details).toEqual({ status: 'INVALID_ARGUMENT', code: status.INVALID_ARGUMENT, remoteCode: 'ERR_REMOTE' });
    } finally {
      await wired.close();
    }
  });

  it('fails with DEADLINE_EXCEEDED past its deadline, and with UNAVAILABLE when nothing listens', async () => {
    const closed = await freePort();
    const wired = await wire([
      node('slow', calculatorProto, 'calculator.Calculator/Subtract', { deadline: '300ms' }),
      { kind: 'grpc', name: 'nobody', target: `127.0.0.1:${closed}`, proto: calculatorProto, method: 'calculator.Calculator/Add', deadline: '2s' },
    ]);
    try {
      const started = performance.now();
      const late = await within(wired.send('slow', { a: 1, b: 1 }));
      expect((late.payload as WeftError).params.status).toBe('DEADLINE_EXCEEDED');
      expect(performance.now() - started).toBeLessThan(1500);
      expect((((await within(wired.send('nobody', { a: 1, b: 1 }), 3000)).payload) as WeftError).params.status).toBe('UNAVAILABLE');
    } finally {
      await wired.close();
    }
  });

  it('cancels the call when the calling process ends', async () => {
    const wired = await wire([node('slow', calculatorProto, 'calculator.Calculator/Subtract')]);
    try {
      const process = new Process();
      const reply = wired.node('slow').in('in')!.handle(process, new Packet({ a: 1, b: 1 }));
      setTimeout(() => void process.exit(), 100);
      expect(((await within(Promise.resolve(reply))).payload as WeftError).params.status).toBe('CANCELLED');
    } finally {
      await wired.close();
    }
  });

  it(`streams ${N} messages each way without losing or reordering one`, async () => {
    const wired = await wire([
      node('range', streamsProto, 'streams.Streams/Range'),
      node('collect', streamsProto, 'streams.Streams/Collect'),
      node('echo', streamsProto, 'streams.Streams/Echo'),
    ]);
    const items = Array.from({ length: N }, (_, seq) => ({ seq, text: `m${seq}` }));
    try {
      const ranged = (await within(wired.send('range', { n: N }), 20_000)).payload as { seq: number; text: string }[];
      expect(ranged).toHaveLength(N);
      expect(ranged.every((item, index) => item.seq === index && item.text === `r${index}`)).toBe(true);
      const summary = (await within(wired.send('collect', items), 20_000)).payload as { count: number; seqs: number[] };
      expect(summary.count).toBe(N);
      expect(summary.seqs).toEqual(items.map((item) => item.seq));
      const echoed = (await within(wired.send('echo', items), 20_000)).payload as { seq: number; text: string }[];
      expect(echoed).toHaveLength(N);
      expect(echoed.every((item, index) => item.seq === index && item.text === `m${index}?`)).toBe(true);
    } finally {
      await wired.close();
    }
  }, 60_000);

  it('refuses payloads that are no request message with ERR_GRPC_CLIENT_INPUT, before calling', async () => {
    const wired = await wire([node('add', calculatorProto, 'calculator.Calculator/Add'), node('collect', streamsProto, 'streams.Streams/Collect')]);
    try {
      expect(codeOf(await within(wired.send('add', [1, 2])))).toBe('ERR_GRPC_CLIENT_INPUT');
      expect(codeOf(await within(wired.send('add', 'text')))).toBe('ERR_GRPC_CLIENT_INPUT');
      expect(codeOf(await within(wired.send('collect', { seq: 1 })))).toBe('ERR_GRPC_CLIENT_INPUT');
      expect(codeOf(await within(wired.send('collect', [{ seq: 1 }, 2])))).toBe('ERR_GRPC_CLIENT_INPUT');
    } finally {
      await wired.close();
    }
  });

  it('passes the trace context on: a gRPC listener continues the caller\'s traceparent and a grpc node sends it', async () => {
    const wired = await wire([
      { kind: 'listener', name: 'front', protocol: 'grpc', port: 0, proto: calculatorProto, links: { 'Calculator-Add': [{ name: 'add', port: 'in' }] } },
      node('add', calculatorProto, 'calculator.Calculator/Add'),
    ]);
    const caller = testClient(calculatorProto, 'calculator.Calculator', `127.0.0.1:${wired.node<GrpcListenerNode>('front').port}`);
    try {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const metadata = new Metadata();
      metadata.set('traceparent', traceparent);
      expect(await caller.unary('Add', { a: 1, b: 2 }, metadata)).toEqual({ result: 3 });
      expect(upstream.seen.at(-1)!.get('traceparent')).toEqual([traceparent]);
    } finally {
      caller.close();
      await wired.close();
    }
  });

  it('fails to compile with a bad proto path or a method the file does not declare', async () => {
    await expect(wire([node('bad', 'no/such.proto', 'calculator.Calculator/Add')])).rejects.toMatchObject({ code: 'ERR_GRPC_PROTO_INVALID' });
    await expect(wire([node('bad', calculatorProto, 'calculator.Calculator/Modulo')])).rejects.toMatchObject({ code: 'ERR_GRPC_METHOD_UNKNOWN' });
    await expect(wire([node('bad', calculatorProto, 'Add')])).rejects.toMatchObject({ code: 'ERR_SPEC_INVALID' });
  });
});
