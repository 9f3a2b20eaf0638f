/** The event types of the ops event stream (`GET /v1/events`). */
export type OpsEventType =
  | 'process:start'
  | 'process:end'
  | 'port:emit'
  | 'node:error'
  | 'node:loaded'
  | 'node:failed'
  | 'spec:applied'
  | 'namespace:paused'
  | 'namespace:resumed'
  | 'metrics:update';

/**
 * One event of the stream. `namespace`, `node` and `process` (the root process id) are what
 * subscription filters match; the other fields depend on the type (see docs/operations.md).
 * `seq` is given by the bus: it increases by one per event published.
 */
export interface OpsEvent {
  readonly type: OpsEventType;
  readonly namespace: string;
  readonly node?: string;
  readonly process?: string;
  readonly [field: string]: unknown;
}

/** What a subscription selects: every given field must match (`node` matches either end of a port:emit). */
export interface EventFilter {
  readonly namespace?: string;
  readonly node?: string;
  readonly process?: string;
  readonly types?: readonly OpsEventType[];
}
