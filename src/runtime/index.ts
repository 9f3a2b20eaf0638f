export { Runtime, type RuntimeOptions, type RuntimeState } from './runtime.ts';
export type { NodeStatus } from './node-status.ts';
export { specSyscalls, type SpecSyscallsOptions } from './spec-syscalls.ts';
export { mergePatch } from './merge-patch.ts';
export type { RuntimeObserver } from './runtime-observer.ts';
