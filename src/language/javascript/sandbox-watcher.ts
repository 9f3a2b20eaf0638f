import { Worker } from 'node:worker_threads';
import { SlotField, SlotKind, type WatchSlot } from './watch-slot.ts';

/** How often the watcher thread looks at the slot, the RSS and the parent. */
export const WATCH_TICK_MS = 10;
/** How long past its timeout a call (or top-level code) may run before its process is killed. */
export const KILL_GRACE_MS = 1000;

/**
 * Starts the watcher thread of a sandbox child: a small unref'd worker that, every
 * WATCH_TICK_MS, even while the main thread is stuck in a snippet,
 * - SIGKILLs the process once its parent has died (it was re-parented), so no child outlives
 *   its engine;
 * - reports on `fd` (the supervision pipe, see supervision.ts) any call or compile it sees
 *   running, once per operation;
 * - kills the process, after a `kill` report, when its RSS passes the slot's budget (isolated-vm
 *   does not see every allocation: a huge `Array.prototype.fill` or `JSON.stringify` grows the
 *   process outside its checks), or when a call or compile has run KILL_GRACE_MS past its
 *   timeout (an uninterruptible built-in, or isolated-vm copying a hostile thrown value).
 */
export function startWatcher(slot: WatchSlot, fd: number): void {
  const source = `'use strict';
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { buffer, parent, fd } = workerData;
const sequence = new Int32Array(buffer, 0, 1), fields = new Float64Array(buffer, 8, 6);
let lastKind = ${SlotKind.idle}, lastId = -1;
function report(line) { try { writeSync(fd, JSON.stringify(line) + '\\n'); } catch (_) {} }
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  const before = Atomics.load(sequence, 0);
  const kind = fields[${SlotField.kind}], id = fields[${SlotField.id}], snippet = fields[${SlotField.snippet}];
  const startedAt = fields[${SlotField.startedAt}], timeoutMs = fields[${SlotField.timeoutMs}], budgetMb = fields[${SlotField.budgetMb}];
  if (Atomics.load(sequence, 0) !== before) return;
  const now = Date.now(), ms = now - startedAt;
  const rssMb = Math.round(process.memoryUsage.rss() / 1048576);
  if (budgetMb > 0 && rssMb > budgetMb) {
    report({ t: 'kill', why: 'memory', kind, id, snippet, ms, rssMb, budgetMb });
    process.kill(process.pid, 'SIGKILL');
  }
  if (kind === ${SlotKind.idle}) return;
  if ((kind !== lastKind || id !== lastId) && ms >= ${WATCH_TICK_MS}) {
    lastKind = kind;
    lastId = id;
    report({ t: 'run', kind, id, snippet, ms });
  }
  if (kind !== ${SlotKind.collect} && ms > timeoutMs + ${KILL_GRACE_MS}) {
    report({ t: 'kill', why: 'timeout', kind, id, snippet, ms, rssMb, budgetMb });
    process.kill(process.pid, 'SIGKILL');
  }
}, ${WATCH_TICK_MS});`;
  new Worker(source, { eval: true, workerData: { buffer: slot.buffer, parent: process.ppid, fd }, env: {} }).unref();
}
