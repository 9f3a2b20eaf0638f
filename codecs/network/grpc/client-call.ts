import type { Client, ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import { WeftError } from '../../../src/index.ts';
import { grpcLibrary } from './grpc-library.ts';
import { statusError } from './grpc-status.ts';
import { describe, messageOf } from './message.ts';
import type { GrpcMethod } from './proto-file.ts';

/** One outgoing call's settings. */
export interface CallSettings {
  readonly deadlineMs: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** Ends the call (CANCELLED) when it aborts: the caller's process ended. */
  readonly signal: AbortSignal;
}

/**
 * Calls `method` with a payload: a request map (unary, server streaming) or a list of them
 * (client streaming, bidirectional); resolves to the response, or the list of responses of a
 * streaming response. Never rejects: a refused payload is ERR_GRPC_CLIENT_INPUT, an error status
 * ERR_GRPC_STATUS.
 */
export function callMethod(client: Client, method: GrpcMethod, payload: unknown, settings: CallSettings): Promise<unknown> {
  const name = method.path.slice(1);
  const refuse = (reason: string): WeftError => new WeftError('ERR_GRPC_CLIENT_INPUT', { method: name, reason });
  const streamed = method.definition.requestStream;
  if (streamed && !Array.isArray(payload)) return Promise.resolve(refuse(`the payload of a ${method.shape} method is a list of request messages, not ${describe(payload)}`));
  const requests: object[] = [];
  for (const item of streamed ? payload as unknown[] : [payload]) {
    const message = messageOf(item, refuse);
    if (message instanceof WeftError) return Promise.resolve(message);
    requests.push(message);
  }
  if (settings.signal.aborted) return Promise.resolve(statusError(name, { code: 1, details: 'the calling process ended' }));
  const metadata = new (grpcLibrary().grpc.Metadata)();
  for (const [key, value] of Object.entries(settings.metadata)) metadata.set(key, value);
  const options = { deadline: Date.now() + settings.deadlineMs };
  const { path, definition } = method;
  const { requestSerialize: serialize, responseDeserialize: deserialize } = definition;
  return new Promise<unknown>((settle) => {
    let forget = (): void => undefined;
    const resolve = (value: unknown): void => {
      forget();
      settle(value);
    };
    const fail = (error: ServiceError): void => resolve(statusError(name, error));
    const answer = (error: ServiceError | null, response?: object): void => (error === null ? resolve(response) : fail(error));
    let call: { cancel(): void };
    if (method.shape === 'unary') {
      call = client.makeUnaryRequest(path, serialize, deserialize, requests[0]!, metadata, options, answer);
    } else if (method.shape === 'client-stream') {
      const stream = client.makeClientStreamRequest(path, serialize, deserialize, metadata, options, answer);
      void writeAll(stream, requests);
      call = stream;
    } else {
      const stream = method.shape === 'bidi'
        ? client.makeBidiStreamRequest(path, serialize, deserialize, metadata, options)
        : client.makeServerStreamRequest(path, serialize, deserialize, requests[0]!, metadata, options);
      const responses: unknown[] = [];
      stream.on('data', (response: unknown) => responses.push(response));
      stream.on('error', fail);
      stream.on('end', () => resolve(responses));
      if (method.shape === 'bidi') void writeAll(stream as unknown as ClientWritableStream<object>, requests);
      call = stream;
    }
    const cancel = (): void => call.cancel();
    settings.signal.addEventListener('abort', cancel, { once: true });
    forget = () => settings.signal.removeEventListener('abort', cancel);
  });
}

/** Writes the requests in order, waiting whenever the stream asks to, then half-closes it. */
async function writeAll(stream: ClientWritableStream<object>, requests: readonly object[]): Promise<void> {
  for (const request of requests) {
    if (stream.destroyed) return;
    if (!stream.write(request)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
        stream.on('error', done);
      });
    }
  }
  stream.end();
}
