import { toWeftError, type WeftError } from '../../../src/index.ts';

/** Request maps whose `body` is still an accessor over a LazyBody. */
const pending = new WeakMap<object, LazyBody>();

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

/**
 * A copy of a request map with `extra` fields added (the router's `params`), as `{...input,
 * ...extra}` would be, except that a body not read yet stays unread: spreading would decode it.
 */
export function extendRequest(input: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const lazy = pending.get(input);
  if (lazy === undefined) return { ...input, ...extra };
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(input)) copy[key] = key === 'body' ? null : input[key];
  Object.assign(copy, extra);
  return defineLazyBody(copy, lazy);
}
