export { Loader, type LoaderOptions, type LoadFailure } from './loader.ts';
export type { LoaderEvent } from './loader-event.ts';
export { backoffDelay, type BackoffOptions } from './backoff.ts';
export { sameSpec } from './same-spec.ts';
