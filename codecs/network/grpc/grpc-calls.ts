import type { Metadata, ServerDuplexStream, ServerReadableStream, ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import { Packet } from '../../../src/index.ts';
import { messageOf } from './message.ts';
import { statusOfError } from './grpc-status.ts';

/** Runs one process with a payload on a method's port and resolves to its reply (never rejects). */
export type RunProcess = (payload: unknown, call: CallScope) => Promise<Packet>;

/** The processes one call started, ended together when the client cancels or the deadline passes. */
export class CallScope {
  readonly #cancels = new Set<() => void>();
  cancelled = false;
  /** The call's request metadata (its `traceparent` continues into the processes' spans). */
  readonly metadata: Metadata | undefined;

  constructor(metadata?: Metadata) {
    this.metadata = metadata;
  }

  /** Registers how to end one of the call's processes; returns how to forget it once it is done. */
  track(cancel: () => void): () => void {
    this.#cancels.add(cancel);
    return () => this.#cancels.delete(cancel);
  }

  cancel(): void {
    this.cancelled = true;
    for (const cancel of [...this.#cancels]) cancel();
  }
}

/** How many messages of one bidirectional stream are processed at once; past it, reading pauses. */
export const MAX_IN_FLIGHT = 64;

/** Unary: one process; its reply is the response. */
export function serveUnary(call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>, run: RunProcess): void {
  const scope = scopeOf(call);
  void run(call.request, scope).then((packet) => {
    if (!scope.cancelled) respond(packet, callback);
  });
}

/** Client streaming: the messages are collected; at the client's end one process gets them as a list, and its reply is the response. */
export function serveClientStream(call: ServerReadableStream<object, object>, callback: sendUnaryData<object>, run: RunProcess): void {
  const scope = scopeOf(call);
  const messages: unknown[] = [];
  call.on('data', (message: unknown) => messages.push(message));
  call.on('error', () => undefined);
  call.on('end', () => {
    void run(messages, scope).then((packet) => {
      if (!scope.cancelled) respond(packet, callback);
    });
  });
}

/** Server streaming: one process; a list reply is written message by message (one message for a map), then the stream ends. */
export function serveServerStream(call: ServerWritableStream<object, object>, run: RunProcess): void {
  const scope = scopeOf(call);
  void run(call.request, scope).then(async (packet) => {
    if (scope.cancelled) return;
    const failure = await writeReply(call, packet);
    if (failure !== undefined) call.emit('error', statusOfError(failure));
    else call.end();
  });
}

/**
 * Bidirectional: one process per incoming message, up to MAX_IN_FLIGHT at once; replies are
 * written in the order of the messages they answer (a list reply as several messages, `None`
 * or an empty list as none). An error reply ends the stream with its status; the client's end
 * ends it with OK once every reply is written.
 */
export function serveBidi(call: ServerDuplexStream<object, object>, run: RunProcess): void {
  const scope = scopeOf(call);
  let tail: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let paused = false;
  let failed = false;
  call.on('error', () => undefined);
  call.on('data', (message: unknown) => {
    if (failed) return;
    inFlight++;
    if (inFlight >= MAX_IN_FLIGHT && !paused) {
      paused = true;
      call.pause();
    }
    const reply = run(message, scope);
    tail = tail.then(async () => {
      const packet = await reply;
      inFlight--;
      if (paused && inFlight <= MAX_IN_FLIGHT / 2) {
        paused = false;
        call.resume();
      }
      if (failed || scope.cancelled) return;
      const failure = await writeReply(call, packet);
      if (failure === undefined) return;
      failed = true;
      call.emit('error', statusOfError(failure));
    });
  });
  call.on('end', () => {
    void tail.then(() => {
      if (!failed && !scope.cancelled) call.end();
    });
  });
}

function scopeOf(call: { readonly metadata?: Metadata; on(event: 'cancelled', listener: () => void): unknown }): CallScope {
  const scope = new CallScope(call.metadata);
  call.on('cancelled', () => scope.cancel());
  return scope;
}

function respond(packet: Packet, callback: sendUnaryData<object>): void {
  const value = packet.payload;
  if (value instanceof Error) return void callback(statusOfError(value));
  const message = messageOf(value);
  if (message instanceof Error) callback(statusOfError(message));
  else callback(null, message);
}

/** Writes a stream reply (a list: its elements, `None`: nothing), waiting for the stream to drain; returns the error that ends the stream, if any. */
async function writeReply(call: ServerWritableStream<object, object> | ServerDuplexStream<object, object>, packet: Packet): Promise<Error | undefined> {
  if (packet === Packet.None) return undefined;
  const value = packet.payload;
  if (value instanceof Error) return value;
  for (const item of Array.isArray(value) ? value : [value]) {
    const message = messageOf(item);
    if (message instanceof Error) return message;
    if (!call.write(message)) await drained(call);
    if (call.cancelled) return undefined;
  }
  return undefined;
}

/** Resolves when the stream takes writes again, or is gone. */
function drained(call: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'close', 'error', 'cancelled']) call.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error', 'cancelled']) call.once(event, done);
  });
}
