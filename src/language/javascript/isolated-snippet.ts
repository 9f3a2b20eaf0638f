import { randomUUID } from 'node:crypto';
import ivm from 'isolated-vm';
import { WeftError } from '../../errors/index.ts';
import { clip, indexOf, reasonAt } from '../source-excerpt.ts';
import { errorView, type ErrorView } from './error-view.ts';
import { HeapGuard, headroomMb } from './heap-guard.ts';
import { JsonText } from './json-text.ts';
import { SANDBOX_PRELUDE } from './sandbox-prelude.ts';
import type { SnippetLimits } from './snippet-limits.ts';
import type { SnippetLanguage } from './to-javascript.ts';

/** A function inside the isolate, called through isolated-vm. */
type Remote = ivm.Reference<(...args: unknown[]) => unknown>;

/** One built isolate: its context's calling convention (see SANDBOX_PRELUDE). */
interface Instance {
  readonly isolate: ivm.Isolate;
  readonly call: Remote;
  readonly callError: Remote;
  readonly callJson: Remote;
  readonly wait: Remote;
  readonly cancel: Remote;
  readonly probe: (bytes: number) => boolean;
}

/** How every call copies its argument in and its result out, under the snippet's time limit. */
interface CallOptions {
  readonly arguments: { readonly copy: true };
  readonly result: { readonly copy: true };
  readonly timeout: number;
}

/** Runs a heap check's full GC; the sandbox child marks it for its watcher (a GC is not a runaway call). */
export type Collector = <T>(work: () => T) => T;

const directly: Collector = (work) => work();

/** isolated-vm's message for a terminated call (the only way to tell a timeout apart). */
const TIMED_OUT = 'Script execution timed out.';
/** Where isolated-vm puts the position in a compile error: ` [file:///snippet.js:LINE:COLUMN]`. */
const POSITION = / \[file:\/\/\/snippet\.js:(\d+):(\d+)\]$/;
const MiB = 1024 * 1024;
/** The probe's code is the prelude's own; the limit only matters if a GC of a huge heap outlasts it. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * One compiled JavaScript snippet in its own isolate (own heap limit) and context (own
 * globals and prototypes), used by both sandbox modes. The module is evaluated once and its
 * default export called on every `call`: module-level state lives as long as the isolate
 * (docs/languages/javascript.md says why, and what avoiding it costs). `call` is synchronous for a sync
 * export (`applySync`, no timer) and returns a promise only when the export returns one; it
 * throws or rejects with ERR_SNIPPET_RUNTIME, ERR_SNIPPET_TIMEOUT, ERR_SNIPPET_MEMORY,
 * ERR_SNIPPET_PAYLOAD_TOO_LARGE or ERR_SANDBOX_CLOSED. isolated-vm gets the snippet's memory
 * plus headroom (headroomMb) and stops a call past that; a HeapGuard checks the heap after calls
 * and fails the call that left it over the snippet's own limit. An isolate disposed for its
 * memory is rebuilt on the next call.
 */
export class IsolatedSnippet {
  readonly #language: SnippetLanguage;
  readonly #code: string;
  readonly #limits: SnippetLimits;
  readonly #token = `\u0000weft:${randomUUID()}:`;
  readonly #options: CallOptions;
  readonly #guard: HeapGuard;
  readonly #collect: Collector;
  #instance: Instance | undefined;
  #closed = false;

  /** Compiles `code` (JavaScript) at once; throws ERR_SNIPPET_COMPILE when it does not. */
  constructor(language: SnippetLanguage, code: string, limits: SnippetLimits, collect: Collector = directly) {
    this.#language = language;
    this.#code = code;
    this.#limits = limits;
    this.#options = { arguments: { copy: true }, result: { copy: true }, timeout: limits.timeoutMs };
    this.#guard = new HeapGuard(limits.memoryMb);
    this.#collect = collect;
    this.#instance = this.#build();
  }

  /** The per-call time limit, in milliseconds. */
  get timeoutMs(): number {
    return this.#limits.timeoutMs;
  }

  /**
   * For the owner's idle timer: samples the heap if calls ran since the last sample, and
   * disposes an isolate found over its limit (the next call rebuilds it). True when it did.
   */
  sampleIdle(): boolean {
    const instance = this.#instance;
    if (instance === undefined || !this.#guard.dirty) return false;
    if (!this.#guard.sample(instance)) return false;
    this.#discard(instance);
    return true;
  }

  /** Calls the default export with `input` (an Error arrives as its error view). */
  call(input: unknown): unknown {
    return input instanceof Error ? this.#invoke('callError', errorView(input)) : this.#invoke('call', input);
  }

  /** Calls the default export with an error payload, given as its view (from another process). */
  callError(view: ErrorView): unknown {
    return this.#invoke('callError', view);
  }

  /**
   * Calls the default export with a payload given as JSON text; a JSON-exact result comes back
   * as JsonText (possibly in a promise), any other as the plain value.
   */
  callJson(text: string): unknown {
    return this.#invoke('callJson', text);
  }

  /** Calls one entry of the prelude's calling convention; decodes parked and JSON results. */
  #invoke(entry: 'call' | 'callError' | 'callJson', input: unknown): unknown {
    if (this.#closed) throw new WeftError('ERR_SANDBOX_CLOSED');
    const instance = this.#instance ?? (this.#instance = this.#build());
    const started = performance.now();
    let result: unknown;
    try {
      result = instance[entry].applySync(undefined, [input], this.#options);
    } catch (thrown) {
      throw this.#failure(thrown, instance);
    }
    if (this.#guard.afterCall(instance, started)) throw this.#overLimit(instance);
    if (typeof result === 'string' && result.startsWith(this.#token)) {
      const tag = result.charAt(this.#token.length);
      if (tag === 'a') return this.#settle(instance, Number(result.slice(this.#token.length + 1)), started);
      return this.#decoded(result);
    }
    return result;
  }

  /** A marked reply of the prelude (other than a parked promise): a failure, JSON, or a result too large. */
  #decoded(reply: string): unknown {
    const tag = reply.charAt(this.#token.length);
    const rest = reply.slice(this.#token.length + 1);
    if (tag === 'j') return new JsonText(rest);
    if (tag === 'l') throw new WeftError('ERR_SNIPPET_PAYLOAD_TOO_LARGE', { what: 'result', size: sizeText(Number(rest)), mb: this.#limits.payloadMb });
    throw new WeftError('ERR_SNIPPET_RUNTIME', { reason: rest });
  }

  /** Disposes an isolate the guard found over its limit; the error for the call that did it. */
  #overLimit(instance: Instance): WeftError {
    this.#discard(instance);
    return new WeftError('ERR_SNIPPET_MEMORY', { mb: this.#limits.memoryMb });
  }

  #discard(instance: Instance): void {
    if (this.#instance === instance) this.#instance = undefined;
    if (!instance.isolate.isDisposed) instance.isolate.dispose();
  }

  /** Disposes the isolate; calls in flight fail with ERR_SANDBOX_CLOSED. Idempotent. */
  close(): void {
    this.#closed = true;
    const isolate = this.#instance?.isolate;
    this.#instance = undefined;
    if (isolate !== undefined && !isolate.isDisposed) isolate.dispose();
  }

  /** Awaits a parked async result, within what is left of the call's time limit. */
  #settle(instance: Instance, id: number, started: number): Promise<unknown> {
    const remaining = Math.max(1, Math.ceil(this.#limits.timeoutMs - (performance.now() - started)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WeftError('ERR_SNIPPET_TIMEOUT', { ms: this.#limits.timeoutMs }));
        if (!instance.isolate.isDisposed) instance.cancel.applyIgnored(undefined, [id]);
      }, remaining);
      instance.wait.apply(undefined, [id], { result: { promise: true, copy: true }, timeout: remaining }).then(
        (value) => {
          clearTimeout(timer);
          if (this.#guard.afterCall(instance, started)) return reject(this.#overLimit(instance));
          if (typeof value !== 'string' || !value.startsWith(this.#token)) return resolve(value);
          try {
            resolve(this.#decoded(value));
          } catch (error) {
            reject(error as WeftError);
          }
        },
        (thrown: unknown) => {
          clearTimeout(timer);
          reject(this.#failure(thrown, instance));
        },
      );
    });
  }

  /** Turns what isolated-vm threw into the coded error of the call. */
  #failure(thrown: unknown, instance: Instance): WeftError {
    if (this.#closed) return new WeftError('ERR_SANDBOX_CLOSED');
    if (instance.isolate.isDisposed) {
      if (this.#instance === instance) this.#instance = undefined;
      return new WeftError('ERR_SNIPPET_MEMORY', { mb: this.#limits.memoryMb }, { cause: thrown });
    }
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (message === TIMED_OUT) return new WeftError('ERR_SNIPPET_TIMEOUT', { ms: this.#limits.timeoutMs }, { cause: thrown });
    const reason = message.startsWith(this.#token) ? message.slice(this.#token.length) : message;
    return new WeftError('ERR_SNIPPET_RUNTIME', { reason });
  }

  /** A fresh isolate and context: the prelude first (pristine built-ins), then the module. */
  #build(): Instance {
    const { memoryMb, timeoutMs } = this.#limits;
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb + headroomMb(memoryMb) });
    try {
      const context = isolate.createContextSync();
      const prelude = context.evalSync(SANDBOX_PRELUDE, { reference: true, timeout: timeoutMs }) as unknown as Remote;
      const api = prelude.applySync(undefined, [this.#token, this.#limits.payloadMb * MiB], { result: { reference: true }, timeout: timeoutMs }) as unknown as ivm.Reference<Record<string, unknown>>;
      const remote = (name: string): Remote => api.getSync(name, { reference: true }) as unknown as Remote;
      const module = isolate.compileModuleSync(this.#code, { filename: 'file:///snippet.js' });
      const imports = module.dependencySpecifiers;
      if (imports.length > 0) throw new Error(`${this.#token}snippets cannot import modules (found "${imports.join('", "')}")`);
      module.instantiateSync(context, () => {
        throw new Error('snippets cannot import modules');
      });
      module.evaluateSync({ timeout: timeoutMs });
      const exported = module.namespace.getSync('default', { reference: true }) as ivm.Reference | undefined;
      const bound = remote('bind').applySync(undefined, [exported?.derefInto()], { timeout: timeoutMs, result: { copy: true } });
      if (typeof bound === 'string') throw new Error(this.#token + bound.slice(this.#token.length + 1));
      const probe = remote('probe');
      return {
        isolate, call: remote('call'), callError: remote('callError'), callJson: remote('callJson'), wait: remote('wait'), cancel: remote('cancel'),
        probe: (bytes) => this.#collect(() => probe.applySync(undefined, [bytes], { timeout: PROBE_TIMEOUT_MS }) === true),
      };
    } catch (thrown) {
      throw this.#compileError(thrown, isolate);
    }
  }

  /**
   * ERR_SNIPPET_COMPILE with a short reason (an excerpt around the position, never the whole
   * code) and no cause: a thrown value here may carry the source, and spec failures are logged.
   */
  #compileError(thrown: unknown, isolate: ivm.Isolate): WeftError {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    let reason = clip(message.startsWith(this.#token) ? message.slice(this.#token.length) : message);
    const position = POSITION.exec(message);
    if (isolate.isDisposed) reason = `the module's top-level code went over the memory limit of ${this.#limits.memoryMb} MiB`;
    else if (message === TIMED_OUT) reason = `the module's top-level code ran longer than ${this.#limits.timeoutMs} ms`;
    else if (position !== null) reason = reasonAt(message.slice(0, position.index), this.#code, indexOf(this.#code, Number(position[1]), Number(position[2])));
    if (!isolate.isDisposed) isolate.dispose();
    return new WeftError('ERR_SNIPPET_COMPILE', { language: this.#language, reason });
  }
}

/** A size in characters or bytes, for messages: `17.3 MiB`. */
function sizeText(size: number): string {
  return `${(size / MiB).toFixed(1)} MiB`;
}
