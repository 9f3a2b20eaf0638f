import { toWeftError, type InPort, type OutPort, type WeftError } from '../../../src/index.ts';

/** Request maps whose `body` is still an accessor over a LazyBody. */
const pending = new WeakMap<object, LazyBody>();

/**
 * In-ports that take request maps with a body still to decode (a router's: it decodes only
 * the requests it routes). A capability of port objects, held weakly: no names, nothing kept
 * beyond the ports. Every other node gets plain data, since not every consumer can read an
 * accessor (isolated-vm refuses to copy one into a JavaScript isolate).
 */
const lazyPorts = new WeakSet<InPort>();

/**
 * A request body decoded on first read: a listener hands the bytes over as they came and a
 * decoder; the first read runs it (decompression, parsing) and every later read gets the same
 * value or throws the same error. A request that no node reads (no route, a route that ignores
 * the body) never pays for decoding.
 */
export class LazyBody {
  readonly #decode: () => unknown;
  #state: 'pending' | 'decoded' | 'failed' = 'pending';
  #value: unknown;
  #failure: WeftError | undefined;

  constructor(decode: () => unknown) {
    this.#decode = decode;
  }

  /** The error the body failed to decode with, once a read tried (undefined otherwise). */
  get failure(): WeftError | undefined {
    return this.#failure;
  }

  /** The decoded body; throws the decoding error (ERR_HTTP_BODY_INVALID, ERR_HTTP_BODY_TOO_LARGE…). */
  value(): unknown {
    if (this.#state === 'decoded') return this.#value;
    if (this.#state === 'failed') throw this.#failure!;
    try {
      this.#value = this.#decode();
      this.#state = 'decoded';
      return this.#value;
    } catch (thrown) {
      this.#failure = toWeftError(thrown);
      this.#state = 'failed';
      throw this.#failure;
    }
  }
}

/**
 * Makes `body` of a request map an enumerable accessor over `lazy`, in place (keeping its key
 * order), so that snippets, CEL and JSON see an ordinary field. Writing `body` replaces it
 * with a plain value.
 */
export function defineLazyBody<T extends object>(target: T, lazy: LazyBody): T {
  Object.defineProperty(target, 'body', {
    get: () => lazy.value(),
    set(this: object, value: unknown) {
      pending.delete(this);
      Object.defineProperty(this, 'body', { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  });
  pending.set(target, lazy);
  return target;
}

/** Declares that `port` takes request maps whose body is not decoded yet (see lazyPorts). */
export function acceptLazyBodies(port: InPort): void {
  lazyPorts.add(port);
}

/** True when `port` has links and every one takes a body not decoded yet. */
export function takesLazyBodies(port: OutPort | undefined): boolean {
  const links = port?.links;
  if (links === undefined || links.length === 0) return false;
  for (const link of links) if (!lazyPorts.has(link)) return false;
  return true;
}

/**
 * A copy of a request map with `extra` fields added (the router's `params`), as `{...input,
 * ...extra}`. With `keepLazy` a body not read yet stays unread (a spread would decode it);
 * without, it is decoded now and the copy holds plain data (it throws the decoding error).
 */
export function extendRequest(input: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>, keepLazy: boolean): Record<string, unknown> {
  const lazy = keepLazy ? pending.get(input) : undefined;
  if (lazy === undefined) return { ...input, ...extra };
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(input)) copy[key] = key === 'body' ? null : input[key];
  Object.assign(copy, extra);
  return defineLazyBody(copy, lazy);
}
