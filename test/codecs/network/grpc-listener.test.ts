import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { WeftError} from '../../../src/index.ts';
import { createCodecContext, createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec, type StoredSpec } from '../../../src/index.ts';
import type { GrpcListenerNode } from '../../../codecs/network/grpc/grpc-listener-node.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { freePort } from '../../harness/cli.ts';
import { within } from '../../harness/wait.ts';
import { callError, testClient, type TestClient } from './grpc/grpc-clients.ts';

const streamsProto = fileURLToPath(new URL('./grpc/streams.proto', import.meta.url));
const calculatorProto = fileURLToPath(new URL('../../../examples/grpc/calculator.proto', import.meta.url));
const scheme = new Scheme({ kinds: coreKinds });
const N = 10_000;

let runtime: Runtime | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await runtime?.close();
  runtime = undefined;
});

const streamHandlers: Record<string, Spec> = {
  Range: { kind: 'snippet', name: 'range', language: 'javascript', code: 'export default (request) => Array.from({ length: request.n }, (_, seq) => ({ seq, text: `item ${seq}` }));' },
  Collect: { kind: 'snippet', name: 'collect', language: 'cel', code: '{"count": size(self), "seqs": self.map(item, item.seq)}' },
  Echo: { kind: 'snippet', name: 'echo', language: 'cel', code: '{"seq": self.seq, "text": self.text + "!"}' },
  // A 64-bit field arrives as a decimal string and may go back as one (or as a CEL int).
  Wide: { kind: 'snippet', name: 'wide', language: 'cel', code: '{"seq": self.seq, "text": self.big, "big": int(self.big) + 1}' },
};

/** A gRPC listener for streams.proto serving `methods`, each by its handler above. */
const streamSpecs = (...methods: string[]): Spec[] => [
  { kind: 'listener', name: 'streams', protocol: 'grpc', port: 0, proto: streamsProto, links: Object.fromEntries(methods.map((method) => [`Streams-${method}`, [{ name: streamHandlers[method]!.name!, port: 'in' }]])) },
  ...methods.map((method) => streamHandlers[method]!),
];

async function serve(specs: readonly Spec[]): Promise<{ store: MemoryStore; stored: StoredSpec[]; node: () => GrpcListenerNode; target: string }> {
  const store = new MemoryStore();
  const stored = await store.insert(specs);
  runtime = new Runtime({ store, scheme, languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
  await runtime.start();
  const started = runtime;
  const node = (): GrpcListenerNode => started.table.byName(specs[0]!.name!)!.node as GrpcListenerNode;
  return { store, stored, node, target: `127.0.0.1:${node().port}` };
}

function client(proto: string, service: string, target: string): TestClient {
  const opened = testClient(proto, service, target);
  clients.push(opened);
  return opened;
}

const items = Array.from({ length: N }, (_, seq) => ({ seq, text: `m${seq}` }));

describe('listener protocol grpc: streaming', () => {
  it(`server streaming: a list reply of ${N} messages arrives whole and in order`, async () => {
    const { target } = await serve(streamSpecs('Range'));
    const responses = await client(streamsProto, 'streams.Streams', target).serverStream('Range', { n: N });
    expect(responses).toHaveLength(N);
    expect(responses.every((item, index) => item.seq === index && item.text === `item ${index}`)).toBe(true);
  }, 30_000);

  it(`client streaming: ${N} messages reach the workflow as one list, in order`, async () => {
    const { target } = await serve(streamSpecs('Collect'));
    const summary = await client(streamsProto, 'streams.Streams', target).clientStream('Collect', items);
    expect(summary.count).toBe(N);
    expect(summary.seqs).toEqual(items.map((item) => item.seq));
  }, 30_000);

  it(`bidirectional: ${N} messages, one process each, every reply written back in order`, async () => {
    const { target } = await serve(streamSpecs('Echo'));
    const responses = await client(streamsProto, 'streams.Streams', target).bidi('Echo', items);
    expect(responses).toHaveLength(N);
    expect(responses.every((item, index) => item.seq === index && item.text === `m${index}!`)).toBe(true);
  }, 30_000);

  it('bidirectional: an error reply ends the open stream with its status at once, after the replies before it', async () => {
    const specs: Spec[] = [
      { kind: 'listener', name: 'streams', protocol: 'grpc', port: 0, proto: streamsProto, links: { 'Streams-Echo': [{ name: 'check', port: 'in' }] } },
      { kind: 'if', name: 'check', when: 'self.text == "boom"', links: { 'out[0]': [{ name: 'boom', port: 'in' }], 'out[1]': [{ name: 'echo', port: 'in' }] } },
      { kind: 'throw', name: 'boom', category: 'failed precondition', message: 'boom' },
      { kind: 'snippet', name: 'echo', language: 'cel', code: '{"seq": self.seq, "text": self.text}' },
    ];
    const { target } = await serve(specs);
    const call = (client(streamsProto, 'streams.Streams', target).client as unknown as { Echo(): NodeJS.EventEmitter & { write(item: object): boolean } }).Echo();
    const received: unknown[] = [];
    call.on('data', (item: unknown) => received.push(item));
    const failed = new Promise<{ code: number; details: string }>((resolve) => call.on('error', resolve));
    call.write({ seq: 1, text: 'fine' });
    call.write({ seq: 2, text: 'boom' });
    // The client never half-closes: the status must come anyway.
    const error = await within(failed, 5000);
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toBe('boom');
    expect(received).toEqual([{ seq: 1, text: 'fine', big: '0' }]);
  });

  it('carries 64-bit integers as decimal strings both ways', async () => {
    const { target } = await serve(streamSpecs('Wide'));
    const reply = await client(streamsProto, 'streams.Streams', target).unary('Wide', { seq: 1, big: '9007199254740993' });
    expect(reply).toEqual({ seq: 1, text: '9007199254740993', big: '9007199254740994' });
  });
});

describe('listener protocol grpc: statuses', () => {
  const calculator = (links: Record<string, string>): Spec[] => [
    { kind: 'listener', name: 'calc', protocol: 'grpc', port: 0, proto: calculatorProto, links: Object.fromEntries(Object.entries(links).map(([port, name]) => [port, [{ name, port: 'in' }]])) },
    { kind: 'snippet', name: 'sum', language: 'cel', code: '{"result": double(self.a) + double(self.b)}' },
    { kind: 'snippet', name: 'difference', language: 'cel', code: '{"result": double(self.a) - double(self.b)}' },
    { kind: 'snippet', name: 'text', language: 'text', code: 'not a message' },
    { kind: 'throw', name: 'missing', category: 'not found', message: 'no such operand' },
    // Only where linked: a javascript snippet starts sandbox processes.
    ...(Object.values(links).includes('crash') ? [{ kind: 'snippet', name: 'crash', language: 'javascript', code: 'export default () => { throw new Error("secret detail"); };' }] : []),
  ];

  it('answers UNIMPLEMENTED for a method of the .proto file whose port is unlinked, and for a method it does not declare', async () => {
    const { target } = await serve(calculator({ 'Calculator-Add': 'sum' }));
    const calc = client(calculatorProto, 'calculator.Calculator', target);
    expect(await calc.unary('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
    expect((await callError(calc.unary('Multiply', { a: 1, b: 2 }))).code).toBe(status.UNIMPLEMENTED);
    const other = client(streamsProto, 'streams.Streams', target);
    expect((await callError(other.unary('Wide', {}))).code).toBe(status.UNIMPLEMENTED);
  });

  it('maps an error reply\'s category to its status, names the code in metadata, and hides internal messages', async () => {
    const { target } = await serve(calculator({ 'Calculator-Add': 'missing', 'Calculator-Subtract': 'crash', 'Calculator-Multiply': 'text' }));
    const calc = client(calculatorProto, 'calculator.Calculator', target);
    const notFound = await callError(calc.unary('Add', { a: 1, b: 2 }));
    expect(notFound.code).toBe(status.NOT_FOUND);
    expect(notFound.details).toBe('no such operand');
    expect(notFound.metadata.get('weft-error-code')).toEqual(['ERR_THROWN_NOT_FOUND']);
    const crashed = await callError(calc.unary('Subtract', { a: 1, b: 2 }));
    expect(crashed.metadata.get('weft-error-code')).toEqual(['ERR_SNIPPET_RUNTIME']);
    expect(crashed.details).not.toContain('secret detail');
    const notMessage = await callError(calc.unary('Multiply', { a: 1, b: 2 }));
    expect(notMessage.code).toBe(status.INTERNAL);
    expect(notMessage.metadata.get('weft-error-code')).toEqual(['ERR_GRPC_REPLY_INVALID']);
  });

  it('answers UNAVAILABLE to a call held while the namespace pauses, once the engine shuts down', async () => {
    const { target } = await serve(calculator({ 'Calculator-Add': 'sum' }));
    const calc = client(calculatorProto, 'calculator.Calculator', target);
    runtime!.pause();
    const held = callError(calc.unary('Add', { a: 1, b: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = runtime!.close();
    expect((await held).code).toBe(status.UNAVAILABLE);
    await closing;
  });
});

describe('listener protocol grpc: reload', () => {
  it('rebinds a changed spec on the same socket: new links and a new .proto file are served at once', async () => {
    const specs: Spec[] = [
      { kind: 'listener', name: 'calc', protocol: 'grpc', port: 0, proto: calculatorProto, links: { 'Calculator-Add': [{ name: 'sum', port: 'in' }] } },
      { kind: 'snippet', name: 'sum', language: 'cel', code: '{"result": double(self.a) + double(self.b)}' },
      { kind: 'snippet', name: 'product', language: 'cel', code: '{"result": double(self.a) * double(self.b)}' },
      { kind: 'snippet', name: 'echo', language: 'cel', code: '{"seq": self.seq, "text": self.text + "!"}' },
    ];
    const { store, stored, node, target } = await serve(specs);
    const port = node().port;
    const calc = client(calculatorProto, 'calculator.Calculator', target);
    expect(await calc.unary('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
    expect((await callError(calc.unary('Multiply', { a: 2, b: 3 }))).code).toBe(status.UNIMPLEMENTED);
    const before = node();
    await store.update([{ ...stored[0]!, links: { 'Calculator-Add': [{ name: 'product', port: 'in' }], 'Calculator-Multiply': [{ name: 'product', port: 'in' }] } }]);
    await expect.poll(() => node() !== before, { timeout: 3000 }).toBe(true);
    expect(node().port).toBe(port);
    expect(await calc.unary('Add', { a: 2, b: 3 })).toEqual({ result: 6 });
    expect(await calc.unary('Multiply', { a: 2, b: 3 })).toEqual({ result: 6 });
    const second = node();
    await store.update([{ ...stored[0]!, revision: 2, proto: streamsProto, links: { 'Streams-Echo': [{ name: 'echo', port: 'in' }] } }]);
    await expect.poll(() => node() !== second, { timeout: 3000 }).toBe(true);
    expect(node().port).toBe(port);
    expect((await callError(calc.unary('Add', { a: 1, b: 2 }))).code).toBe(status.UNIMPLEMENTED);
    expect(await client(streamsProto, 'streams.Streams', target).bidi('Echo', [{ seq: 7, text: 'x' }])).toEqual([{ seq: 7, text: 'x!', big: '0' }]);
  });

  it('moves to another host on the same fixed port', async () => {
    const port = await freePort();
    const specs: Spec[] = [
      { kind: 'listener', name: 'calc', protocol: 'grpc', host: '127.0.0.1', port, proto: calculatorProto, links: { 'Calculator-Add': [{ name: 'sum', port: 'in' }] } },
      { kind: 'snippet', name: 'sum', language: 'cel', code: '{"result": double(self.a) + double(self.b)}' },
    ];
    const { store, stored, node, target } = await serve(specs);
    expect(await client(calculatorProto, 'calculator.Calculator', target).unary('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
    await store.update([{ ...stored[0]!, host: '0.0.0.0' }]);
    await expect.poll(() => node().address()?.host, { timeout: 3000 }).toBe('0.0.0.0');
    expect(runtime!.status().find((entry) => entry.name === 'calc')?.pendingError).toBeUndefined();
    expect(await client(calculatorProto, 'calculator.Calculator', target).unary('Add', { a: 2, b: 2 })).toEqual({ result: 4 });
  });

  it('switches protocol on the same fixed port: http → grpc → http', async () => {
    const port = await freePort();
    const specs: Spec[] = [
      { kind: 'listener', name: 'edge', protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: 'pong', port: 'in' }] } },
      { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
      { kind: 'snippet', name: 'sum', language: 'cel', code: '{"result": double(self.a) + double(self.b)}' },
    ];
    const { store, stored } = await serve(specs);
    const ping = () => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then((response) => response.text(), () => 'failed');
    expect(await ping()).toBe('pong');
    const { limits: _limits, ...http } = stored[0]!;
    await store.update([{ ...http, protocol: 'grpc', proto: calculatorProto, links: { 'Calculator-Add': [{ name: 'sum', port: 'in' }] } }]);
    await expect.poll(() => (runtime!.table.byName('edge')!.node as { protocol?: string }).protocol, { timeout: 3000 }).toBe('grpc');
    expect(runtime!.status().find((entry) => entry.name === 'edge')?.pendingError).toBeUndefined();
    expect(await client(calculatorProto, 'calculator.Calculator', `127.0.0.1:${port}`).unary('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
    await store.update([{ ...http, revision: 2, protocol: 'http', links: { out: [{ name: 'pong', port: 'in' }] } }]);
    await expect.poll(() => (runtime!.table.byName('edge')!.node as { protocol?: string }).protocol, { timeout: 3000 }).toBe('http');
    expect(await ping()).toBe('pong');
  });

  it('keeps serving the old spec when the new one names a missing .proto file, and reports the coded failure', async () => {
    const specs: Spec[] = [
      { kind: 'listener', name: 'calc', protocol: 'grpc', port: 0, proto: calculatorProto, links: { 'Calculator-Add': [{ name: 'sum', port: 'in' }] } },
      { kind: 'snippet', name: 'sum', language: 'cel', code: '{"result": double(self.a) + double(self.b)}' },
    ];
    const { store, stored, target } = await serve(specs);
    await store.update([{ ...stored[0]!, proto: '/nonexistent/calc.proto' }]);
    await expect.poll(() => (runtime!.status().find((entry) => entry.name === 'calc')?.pendingError as WeftError | undefined)?.code, { timeout: 3000 }).toBe('ERR_GRPC_PROTO_INVALID');
    expect(await client(calculatorProto, 'calculator.Calculator', target).unary('Add', { a: 1, b: 2 })).toEqual({ result: 3 });
  });
});

describe('listener protocol grpc: spec problems', () => {
  const context = () => createCodecContext({ scheme, languages: createDefaultLanguages() });
  const compileError = async (spec: Spec): Promise<WeftError> => {
    try {
      await (await scheme.compile(spec, context())).close();
    } catch (error) {
      return error as WeftError;
    }
    throw new Error('compiled');
  };

  it('refuses a bad proto path, a .proto file that does not parse, and a port that names no method, with coded errors', async () => {
    expect((await compileError({ kind: 'listener', protocol: 'grpc', port: 0, proto: 'no/such.proto' })).code).toBe('ERR_GRPC_PROTO_INVALID');
    expect((await compileError({ kind: 'listener', protocol: 'grpc', port: 0, proto: fileURLToPath(new URL('./grpc/grpc-clients.ts', import.meta.url)) })).code).toBe('ERR_GRPC_PROTO_INVALID');
    expect((await compileError({ kind: 'listener', protocol: 'grpc', port: 0, proto: calculatorProto, services: ['Nothing'] })).code).toBe('ERR_GRPC_PROTO_INVALID');
    const unknown = await compileError({ kind: 'listener', name: 'calc', protocol: 'grpc', port: 0, proto: calculatorProto, links: { 'Calculator-Modulo': [{ name: 'x', port: 'in' }] } });
    expect(unknown.code).toBe('ERR_GRPC_METHOD_UNKNOWN');
    expect(unknown.message).toContain('Calculator-Divide');
  });

  it('validates the fields by protocol: proto required for grpc, HTTP-only fields refused, grpc fields refused on http', () => {
    const problems = (spec: Spec) => scheme.validate(spec).map((problem) => problem.path);
    expect(problems({ kind: 'listener', protocol: 'grpc', port: 0 })).toEqual(['proto']);
    expect(problems({ kind: 'listener', protocol: 'grpc', port: 0, proto: 'x.proto', cors: { origins: ['*'] } })).toEqual(['cors']);
    expect(problems({ kind: 'listener', protocol: 'http', port: 0, proto: 'x.proto' })).toEqual(['proto']);
    expect(problems({ kind: 'listener', protocol: 'grpc', port: 0, proto: 'x.proto', links: { 'Calculator-Add': [{ name: 'x', port: 'in' }] } })).toEqual([]);
    expect(problems({ kind: 'listener', protocol: 'http', port: 0, links: { 'Calculator-Add': [{ name: 'x', port: 'in' }] } })).toEqual(['links.Calculator-Add']);
  });
});
