/**
 * The entry of a sandbox child process (spawned by SandboxWorker, runnable by plain `node`
 * from src/ or dist/). It holds one IsolatedSnippet per compiled snippet and answers the
 * engine's frames on fd 3 (sandbox-protocol.ts): each incoming frame is run through in order
 * and its synchronous results go back as one frame; async results follow in later frames. A
 * call whose queue deadline has passed is answered ERR_SANDBOX_BUSY without running. Its
 * watcher thread (sandbox-watcher.ts) reads what runs from a shared slot and reports on fd 4
 * (supervision.ts); it kills the process past its memory budget or a call's timeout. The child
 * exits when the engine closes the pipe or dies, and ignores SIGINT/SIGTERM sent to the
 * terminal's process group so the engine can finish in-flight calls while it shuts down.
 * A crash here (V8 aborts on some out-of-memory paths) is the engine's to report and repair.
 */
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { WeftError } from '../../errors/index.ts';
import type { ErrorView } from './error-view.ts';
import { encodeFrame } from './encode-frame.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { headroomMb } from './heap-guard.ts';
import { IsolatedSnippet } from './isolated-snippet.ts';
import { JsonText } from './json-text.ts';
import { startWatcher } from './sandbox-watcher.ts';
import { InputKind, Op, toWire, type FromChild, type ToChild, type WireError } from './sandbox-protocol.ts';
import type { Report } from './supervision.ts';
import { toJavascript } from './to-javascript.ts';
import { SlotKind, WatchSlot } from './watch-slot.ts';

/** A frame that has run this long sends the results it has so far, so the engine sees progress. */
const PROGRESS_MS = 50;
/** Result text a frame collects before it is sent early, so many large results never sit in one buffer. */
const FLUSH_CHARS = 4 * 1024 * 1024;
/** The supervision pipe. */
const SUPERVISION_FD = 4;
/** RSS of a child with no snippet (Node, isolated-vm, this code), with room to spare, in MiB. */
const BASE_MB = 160;
/** How much RSS an isolate may take, as a share over its heap limit (isolated-vm's is a guideline). */
const ISOLATE_SLACK = 1.25;
/** How often idle isolates whose last calls skipped the heap sample are sampled. */
const IDLE_SAMPLE_MS = 250;
/** A message that ran this long lets the event loop read what arrived before the next one runs. */
const YIELD_MS = 5;
/** Cancels of calls that had already run are forgotten past this many (they only cost a lookup). */
const MAX_CANCELLED = 10_000;

const channel = new Socket({ fd: 3, readable: true, writable: true });
const slot = new WatchSlot();
/** A compiled snippet, or why it did not compile in this process. */
const snippets = new Map<number, IsolatedSnippet | WireError>();
const budgets = new Map<number, number>();
const heapMb = Math.ceil(getHeapStatistics().heap_size_limit / 1024 / 1024);
/** Messages received and not yet run, from `pendingAt` on. */
let pending: ToChild[] = [];
let pendingAt = 0;
let draining = false;
/** Calls the engine took back before this child started them. */
const cancelled = new Set<number>();
let outbox: FromChild[] = [];
let outboxChars = 0;
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  if (outbox.length === 0) return;
  const messages = outbox;
  outbox = [];
  outboxChars = 0;
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
  push(message);
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush);
  }
}

function push(message: FromChild): void {
  outbox.push(message);
  if (message[0] === Op.okJson) outboxChars += message[2].length;
  if (outboxChars > FLUSH_CHARS) flush();
}

/** Writes a supervision report at once (blocking: it must be out before a crash it explains). */
function supervise(report: Report): void {
  try {
    writeSync(SUPERVISION_FD, `${JSON.stringify(report)}\n`);
  } catch {
    // The engine is gone or the pipe is full; the report only explains a crash.
  }
}

/** The RSS past which the watcher kills this process: base, own heap limit, and every isolate with its headroom. */
function updateBudget(): void {
  let isolates = 0;
  for (const memoryMb of budgets.values()) isolates += (memoryMb + headroomMb(memoryMb)) * ISOLATE_SLACK;
  slot.budgetMb = Math.ceil(BASE_MB + heapMb + isolates);
}

function compile(id: number, language: 'javascript' | 'typescript', code: string, memoryMb: number, timeoutMs: number, payloadMb: number): void {
  supervise({ t: 'begin', kind: SlotKind.compile, id, snippet: id });
  slot.begin(SlotKind.compile, id, id, timeoutMs);
  try {
    const limits = { memoryMb, timeoutMs, payloadMb };
    snippets.set(id, new IsolatedSnippet(language, toJavascript(language, code), limits, (work) => slot.during(SlotKind.collect, work)));
    budgets.set(id, memoryMb);
    updateBudget();
    push([Op.compiled, id, null]);
  } catch (thrown) {
    const failure = toWire(thrown);
    snippets.set(id, failure);
    push([Op.compiled, id, failure]);
  } finally {
    slot.end();
    supervise({ t: 'end', kind: SlotKind.compile, id });
  }
}

/** The reply message of a call's result. */
function answer(id: number, result: unknown): FromChild {
  return result instanceof JsonText ? [Op.okJson, id, result.text] : [Op.ok, id, result];
}

function call(id: number, snippetId: number, input: unknown, kind: InputKind, deadline: number): void {
  const snippet = snippets.get(snippetId);
  if (!(snippet instanceof IsolatedSnippet)) {
    push([Op.fail, id, snippet ?? ['ERR_SANDBOX_CLOSED', {}]]);
    return;
  }
  const now = Date.now();
  if (now > deadline) {
    push([Op.fail, id, toWire(new WeftError('ERR_SANDBOX_BUSY', { ms: Math.round(now - deadline) }))]);
    return;
  }
  slot.begin(SlotKind.call, id, snippetId, snippet.timeoutMs, now);
  try {
    const result = kind === InputKind.json ? snippet.callJson(input as string) : kind === InputKind.error ? snippet.callError(input as ErrorView) : snippet.call(input);
    if (result instanceof Promise) {
      result.then((value: unknown) => later(answer(id, value)), (reason: unknown) => later([Op.fail, id, toWire(reason)]));
    } else {
      push(answer(id, result));
    }
  } catch (thrown) {
    push([Op.fail, id, toWire(thrown)]);
  } finally {
    slot.end();
  }
}

function drop(id: number): void {
  const snippet = snippets.get(id);
  if (snippet instanceof IsolatedSnippet) snippet.close();
  snippets.delete(id);
  if (budgets.delete(id)) updateBudget();
}

/**
 * Runs the messages received so far, in order. After a message that ran YIELD_MS or more, the
 * rest waits for the next turn of the event loop, so frames that arrived meanwhile are read
 * first: their `cancel`s (calls the engine took back while this child was busy) apply at once.
 */
function drain(): void {
  const started = performance.now();
  while (pendingAt < pending.length) {
    const message = pending[pendingAt++]!;
    switch (message[0]) {
      case Op.call:
        if (cancelled.delete(message[1])) break;
        call(message[1], message[2], message[3], message[4], message[5]);
        break;
      case Op.compile:
        compile(message[1], message[2], message[3], message[4], message[5], message[6]);
        break;
      case Op.drop:
        drop(message[1]);
        break;
    }
    const elapsed = performance.now() - started;
    if (pendingAt < pending.length && elapsed > YIELD_MS) {
      flush();
      setImmediate(drain);
      return;
    }
    if (outbox.length > 0 && elapsed > PROGRESS_MS) flush();
  }
  pending = [];
  pendingAt = 0;
  draining = false;
  flush();
}

/** Takes a frame: cancels apply now, everything else runs in order. */
function receive(messages: unknown[]): void {
  for (const message of messages as ToChild[]) {
    if (message[0] === Op.cancel) for (const id of message[1]) cancelled.add(id);
    else pending.push(message);
  }
  if (cancelled.size > MAX_CANCELLED) cancelled.clear();
  if (draining || pending.length === 0) return;
  draining = true;
  drain();
}

function sampleIdle(): void {
  for (const snippet of snippets.values()) if (snippet instanceof IsolatedSnippet) snippet.sampleIdle();
}

const decoder = new FrameDecoder(receive);
channel.on('data', (chunk: Buffer) => decoder.push(chunk));
channel.on('end', () => process.exit(0));
channel.on('close', () => process.exit(0));
channel.on('error', () => process.exit(0));
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
updateBudget();
startWatcher(slot, SUPERVISION_FD);
setInterval(sampleIdle, IDLE_SAMPLE_MS).unref();
outbox.push([Op.ready]);
flush();
