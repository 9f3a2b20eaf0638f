/**
 * The entry of a sandbox child process (spawned by SandboxWorker, runnable by plain `node`
 * from src/ or dist/). It holds one IsolatedSnippet per compiled snippet and answers the
 * engine's frames on fd 3 (sandbox-protocol.ts): each incoming frame is run through in order
 * and its synchronous results go back as one frame; async results follow in later frames. It
 * exits when the engine closes the pipe or dies (EOF, or exitWithParent when a snippet holds
 * the main thread), and ignores SIGINT/SIGTERM sent to the
 * terminal's process group so the engine can finish in-flight calls while it shuts down.
 * A crash here (V8 aborts on some out-of-memory paths) is the engine's to report and repair.
 */
import { Socket } from 'node:net';
import type { ErrorView } from './error-view.ts';
import { encodeFrame } from './encode-frame.ts';
import { exitWithParent } from './exit-with-parent.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { IsolatedSnippet } from './isolated-snippet.ts';
import { JsonText } from './json-text.ts';
import { InputKind, Op, toWire, type FromChild, type ToChild, type WireError } from './sandbox-protocol.ts';
import { toJavascript } from './to-javascript.ts';

/** A frame that has run this long sends the results it has so far, so the engine sees progress. */
const PROGRESS_MS = 50;

const channel = new Socket({ fd: 3, readable: true, writable: true });
/** A compiled snippet, or why it did not compile in this process. */
const snippets = new Map<number, IsolatedSnippet | WireError>();
let outbox: FromChild[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  if (outbox.length === 0) return;
  const messages = outbox;
  outbox = [];
  const frame = encodeFrame(messages, (message, error) => {
    if (message[0] !== Op.ok && message[0] !== Op.okJson) return;
    const reason = `the result cannot be sent to the engine: ${error instanceof Error ? error.message : String(error)}`;
    outbox.push([Op.fail, message[1], ['ERR_SNIPPET_RUNTIME', { reason }]]);
  });
  if (frame !== undefined) channel.write(frame);
  if (outbox.length > 0) flush();
}

/** Queues a result that arrives outside a frame's run (an async call settling). */
function later(message: FromChild): void {
  outbox.push(message);
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush);
  }
}

function compile(id: number, language: 'javascript' | 'typescript', code: string, memoryMb: number, timeoutMs: number): void {
  try {
    snippets.set(id, new IsolatedSnippet(language, toJavascript(language, code), { memoryMb, timeoutMs }));
    outbox.push([Op.compiled, id, null]);
  } catch (thrown) {
    const failure = toWire(thrown);
    snippets.set(id, failure);
    outbox.push([Op.compiled, id, failure]);
  }
}

/** The reply message of a call's result. */
function answer(id: number, result: unknown): FromChild {
  return result instanceof JsonText ? [Op.okJson, id, result.text] : [Op.ok, id, result];
}

function call(id: number, snippetId: number, input: unknown, kind: InputKind): void {
  const snippet = snippets.get(snippetId);
  if (!(snippet instanceof IsolatedSnippet)) {
    outbox.push([Op.fail, id, snippet ?? ['ERR_SANDBOX_CLOSED', {}]]);
    return;
  }
  try {
    const result = kind === InputKind.json ? snippet.callJson(input as string) : kind === InputKind.error ? snippet.callError(input as ErrorView) : snippet.call(input);
    if (result instanceof Promise) {
      result.then((value: unknown) => later(answer(id, value)), (reason: unknown) => later([Op.fail, id, toWire(reason)]));
    } else {
      outbox.push(answer(id, result));
    }
  } catch (thrown) {
    outbox.push([Op.fail, id, toWire(thrown)]);
  }
}

function run(messages: unknown[]): void {
  const started = performance.now();
  for (const message of messages as ToChild[]) {
    switch (message[0]) {
      case Op.call:
        call(message[1], message[2], message[3], message[4]);
        break;
      case Op.compile:
        compile(message[1], message[2], message[3], message[4], message[5]);
        break;
      case Op.drop: {
        const snippet = snippets.get(message[1]);
        if (snippet instanceof IsolatedSnippet) snippet.close();
        snippets.delete(message[1]);
        break;
      }
    }
    if (outbox.length > 0 && performance.now() - started > PROGRESS_MS) flush();
  }
  flush();
}

const decoder = new FrameDecoder(run);
channel.on('data', (chunk: Buffer) => decoder.push(chunk));
channel.on('end', () => process.exit(0));
channel.on('close', () => process.exit(0));
channel.on('error', () => process.exit(0));
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
exitWithParent();
outbox.push([Op.ready]);
flush();
