import type { LoaderEvent } from '../loader/index.ts';
import type { ProcessObserver } from '../process/index.ts';
import type { LinkObserver } from '../symbol/index.ts';

/**
 * The kernel's one observation hook, given to a Runtime (`observer`): node hops through
 * `probe` (LinkObserver: the symbol table puts a probing in-port in front of every link target),
 * root processes through `started`/`ended` (ProcessObserver: the runtime's process group), and
 * what the loader did through `loaderEvent`. Metrics, the ops event stream and tracing attach
 * here, composed into one observer by their embedder. Without one, the kernel does none of this
 * work. Every method runs on the engine's thread: it must be cheap and must not throw.
 */
export interface RuntimeObserver extends LinkObserver, ProcessObserver {
  loaderEvent(event: LoaderEvent): void;
}
