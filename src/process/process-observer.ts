import type { Process } from './process.ts';

/**
 * Watches the root processes of a ProcessGroup (a request, a message, a tick): `started` when
 * one is spawned, `ended` once it has exited (its exit hooks run), with how long it ran. Part of
 * the kernel's observation hook (see RuntimeObserver): called once per process, never per
 * packet; must be cheap and must not throw.
 */
export interface ProcessObserver {
  started(process: Process): void;
  ended(process: Process, durationMs: number): void;
}
