import { Worker } from 'node:worker_threads';

/** How often the watcher thread looks for a new parent. */
const CHECK_EVERY_MS = 500;

/**
 * Kills this process soon after its parent dies, even while the main thread is stuck in a
 * snippet (a long timeout, or isolated-vm copying a hostile thrown value, which no limit
 * stops) and so never reads the EOF that normally ends a sandbox child. A small unref'd
 * thread polls `process.ppid` and SIGKILLs the process once it has been re-parented.
 */
export function exitWithParent(): void {
  const source = `const { workerData } = require('node:worker_threads');
setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, ${CHECK_EVERY_MS});`;
  new Worker(source, { eval: true, workerData: process.ppid, env: {} }).unref();
}
