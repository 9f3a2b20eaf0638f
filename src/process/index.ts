export { DEFAULT_BACKLOG_LIMIT, type Admission } from './process-group.ts';
export { Process, type ExitHook, type ProcessOptions, type ProcessState, type ProcessTracker } from './process.ts';
export { ProcessData, type DataKey } from './process-data.ts';
export { ProcessGroup, type ProcessGroupOptions, type SpawnOptions } from './process-group.ts';
export type { ProcessObserver } from './process-observer.ts';
export { bindExecution, executionOf, type ExecutionHop, type ExecutionScope } from './execution-scope.ts';
