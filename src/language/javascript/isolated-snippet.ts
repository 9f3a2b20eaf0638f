import { randomUUID } from 'node:crypto';
import ivm from 'isolated-vm';
import { WeftError } from '../../errors/index.ts';
import { errorView, type ErrorView } from './error-view.ts';
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
}

/** How every call copies its argument in and its result out, under the snippet's time limit. */
interface CallOptions {
  readonly arguments: { readonly copy: true };
  readonly result: { readonly copy: true };
  readonly timeout: number;
}

/** isolated-vm's message for a terminated call (the only way to tell a timeout apart). */
const TIMED_OUT = 'Script execution timed out.';

/**
 * One compiled JavaScript snippet in its own isolate (own heap limit) and context (own
 * globals and prototypes), used by both sandbox modes. The module is evaluated once and its
 * default export called on every `call`: module-level state lives as long as the isolate
 * (docs/languages/javascript.md says why, and what avoiding it costs). `call` is synchronous for a sync
 * export (`applySync`, no timer) and returns a promise only when the export returns one; it
 * throws or rejects with ERR_SNIPPET_RUNTIME, ERR_SNIPPET_TIMEOUT, ERR_SNIPPET_MEMORY or
 * ERR_SANDBOX_CLOSED. An isolate disposed for exceeding its heap is rebuilt on the next call.
 */
export class IsolatedSnippet {
  readonly #language: SnippetLanguage;
  readonly #code: string;
  readonly #limits: SnippetLimits;
  readonly #token = `\u0000weft:${randomUUID()}:`;
  readonly #options: CallOptions;
  #instance: Instance | undefined;
  #closed = false;

  /** Compiles `code` (JavaScript) at once; throws ERR_SNIPPET_COMPILE when it does not. */
  constructor(language: SnippetLanguage, code: string, limits: SnippetLimits) {
    this.#language = language;
    this.#code = code;
    this.#limits = limits;
    this.#options = { arguments: { copy: true }, result: { copy: true }, timeout: limits.timeoutMs };
    this.#instance = this.#build();
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
    if (typeof result === 'string' && result.startsWith(this.#token)) {
      const tag = result.charAt(this.#token.length);
      const rest = result.slice(this.#token.length + 1);
      if (tag === 'f') throw new WeftError('ERR_SNIPPET_RUNTIME', { reason: rest });
      return tag === 'j' ? new JsonText(rest) : this.#settle(instance, Number(rest), started);
    }
    return result;
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
          if (typeof value !== 'string' || !value.startsWith(this.#token)) return resolve(value);
          const rest = value.slice(this.#token.length + 1);
          if (value.charAt(this.#token.length) === 'f') reject(new WeftError('ERR_SNIPPET_RUNTIME', { reason: rest }));
          else resolve(new JsonText(rest));
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
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      const context = isolate.createContextSync();
      const prelude = context.evalSync(SANDBOX_PRELUDE, { reference: true, timeout: timeoutMs }) as unknown as Remote;
      const api = prelude.applySync(undefined, [this.#token], { result: { reference: true }, timeout: timeoutMs }) as unknown as ivm.Reference<Record<string, unknown>>;
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
      return { isolate, call: remote('call'), callError: remote('callError'), callJson: remote('callJson'), wait: remote('wait'), cancel: remote('cancel') };
    } catch (thrown) {
      throw this.#compileError(thrown, isolate);
    }
  }

  #compileError(thrown: unknown, isolate: ivm.Isolate): WeftError {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    let reason = message.startsWith(this.#token) ? message.slice(this.#token.length) : message;
    if (isolate.isDisposed) reason = `the module's top-level code went over the memory limit of ${this.#limits.memoryMb} MiB`;
    else if (message === TIMED_OUT) reason = `the module's top-level code ran longer than ${this.#limits.timeoutMs} ms`;
    if (!isolate.isDisposed) isolate.dispose();
    return new WeftError('ERR_SNIPPET_COMPILE', { language: this.#language, reason }, { cause: thrown });
  }
}
