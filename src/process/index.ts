export { Process, type ExitHook, type ProcessOptions, type ProcessState, type ProcessTracker } from './process.ts';
export { ProcessData, type DataKey } from './process-data.ts';
export { DEFAULT_BACKLOG_LIMIT, ProcessGroup, type Admission, type ProcessGroupOptions, type SpawnOptions } from './process-group.ts';
