export { Runtime, type RuntimeOptions, type RuntimeState } from './runtime.ts';
export type { NodeStatus } from './node-status.ts';
