import { hopSpans, type HopLink, type HopProbe } from '../../codecs/_shared/trace/hop-spans.ts';
import type { Process } from '../../src/index.ts';

/**
 * The shape of the kernel's observation hook (RuntimeObserver of the ops work: `probe` per
 * link, `started`/`ended` per root process, `loaderEvent` per load), declared here by structure
 * so tracing does not depend on where that hook lands.
 */
export interface HopObserver {
  probe(link: HopLink): HopProbe;
  started(process: Process): void;
  ended(process: Process, durationMs: number): void;
  loaderEvent(event: unknown): void;
}

const NO_OBSERVER: Omit<HopObserver, 'probe'> = { started: () => {}, ended: () => {}, loaderEvent: () => {} };

/**
 * An observer that adds node-hop spans (hopSpans) to `inner` (the ops plane's, or none): give
 * it to the Runtime as its `observer` when tracing is on. Each hop runs inner's probe and the
 * tracing probe; inner's token and the span travel together to `leave`.
 */
export function withHopSpans<T extends HopObserver>(inner: T | undefined): HopObserver {
  if (inner === undefined) return { ...NO_OBSERVER, probe: (link) => hopSpans.probe(link) };
  return {
    probe(link) {
      const first = inner.probe(link);
      const second = hopSpans.probe(link);
      return {
        enter: (process, packet) => [first.enter(process, packet), second.enter(process, packet)],
        leave: (process, reply, token) => {
          const [a, b] = token as [unknown, unknown];
          first.leave(process, reply, a);
          second.leave(process, reply, b);
        },
      };
    },
    started: (process) => inner.started(process),
    ended: (process, durationMs) => inner.ended(process, durationMs),
    loaderEvent: (event) => inner.loaderEvent(event),
  };
}
