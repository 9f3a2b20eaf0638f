import { WeftError } from '../../errors/index.ts';
import type { Program } from '../language.ts';
import { IsolatedSnippet } from './isolated-snippet.ts';
import { useIsolateFlags } from './isolate-flags.ts';
import type { SnippetSandbox, SnippetSource } from './snippet-sandbox.ts';
import { toJavascript } from './to-javascript.ts';

/** How often idle isolates whose last calls skipped the heap sample are sampled. */
const IDLE_SAMPLE_MS = 250;

/**
 * Isolates inside the engine process, for trusted namespaces: a call is one synchronous
 * `applySync` (no IPC, no promise for a sync export). Each isolate has its time and memory
 * limits, V8's loop unrolling is off so both can stop allocating loops (isolate-flags.ts), and
 * a HeapGuard disposes an isolate whose heap grows past its limit over several calls. What no
 * limit can stop inside one synchronous call (docs/languages/javascript.md lists it: a `Map` or
 * object table outgrowing V8 within one call, an uninterruptible built-in such as a huge
 * `Array.prototype.fill`, a hostile value thrown by module top-level code) aborts or hangs the
 * engine: only code you trust belongs here.
 */
export class InProcessSandbox implements SnippetSandbox {
  readonly isolation = 'in-process';
  readonly processIds: readonly number[] = [];
  readonly #snippets = new Map<IsolatedSnippet, SnippetSource>();
  #sampler: NodeJS.Timeout | undefined;
  #closed = false;

  constructor() {
    useIsolateFlags();
  }

  /** A compiled program; ERR_SANDBOX_CLOSED once the sandbox is closed (as in the process sandbox). */
  compile(source: SnippetSource): Program {
    if (this.#closed) throw new WeftError('ERR_SANDBOX_CLOSED');
    const snippet = new IsolatedSnippet(source.language, toJavascript(source.language, source.code), source.limits);
    this.#snippets.set(snippet, source);
    this.#sampler ??= setInterval(() => this.#sampleIdle(), IDLE_SAMPLE_MS).unref();
    return new InProcessProgram(snippet, (error) => this.#report(source, error), () => this.#release(snippet));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sampler);
    this.#sampler = undefined;
    for (const snippet of this.#snippets.keys()) snippet.close();
    this.#snippets.clear();
  }

  #release(snippet: IsolatedSnippet): void {
    this.#snippets.delete(snippet);
    if (this.#snippets.size > 0) return;
    clearInterval(this.#sampler);
    this.#sampler = undefined;
  }

  #sampleIdle(): void {
    for (const [snippet, source] of this.#snippets) {
      if (snippet.sampleIdle()) this.#report(source, new WeftError('ERR_SNIPPET_MEMORY', { mb: source.limits.memoryMb }));
    }
  }

  /** Logs an isolate disposed for its memory (a warn line naming the node). */
  #report(source: SnippetSource, error: unknown): void {
    if (!(error instanceof WeftError) || error.code !== 'ERR_SNIPPET_MEMORY') return;
    source.logger?.warn({ node: source.label, code: error.code, memoryMb: source.limits.memoryMb }, 'snippet isolate disposed: over its memory limit; rebuilt for the next call');
  }
}

/** A compiled in-process snippet: `run` is the isolate call itself. */
class InProcessProgram implements Program {
  readonly #snippet: IsolatedSnippet;
  readonly #report: (error: unknown) => void;
  readonly #release: () => void;

  constructor(snippet: IsolatedSnippet, report: (error: unknown) => void, release: () => void) {
    this.#snippet = snippet;
    this.#report = report;
    this.#release = release;
  }

  run(input: unknown): unknown {
    let result: unknown;
    try {
      result = this.#snippet.call(input);
    } catch (error) {
      this.#report(error);
      throw error;
    }
    if (result instanceof Promise) result.catch(this.#report);
    return result;
  }

  close(): void {
    this.#snippet.close();
    this.#release();
  }
}
