import type { Process } from '../../src/index.ts';

/**
 * The process-data key under which a process carries its W3C trace context: the value of a
 * `traceparent` header (`00-<trace id>-<span id>-<flags>`). Whoever starts a traced process
 * sets it (tracing lands later); outbound calls (the `http` client, `exec` handlers) pass it on.
 * Reads fall through to the parent process, so a forked child carries its parent's context.
 */
export const TRACEPARENT_KEY = 'weft.traceparent';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace context the process carries, when it carries a well-formed one. */
export function traceparentOf(process: Process): string | undefined {
  const value = process.data.get(TRACEPARENT_KEY);
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}
