import { WeftError } from '../../errors/index.ts';
import type { Program } from '../language.ts';
import { IsolatedSnippet } from './isolated-snippet.ts';
import type { SnippetSandbox, SnippetSource } from './snippet-sandbox.ts';
import { toJavascript } from './to-javascript.ts';

/**
 * Isolates inside the engine process, for trusted namespaces: a call is one synchronous
 * `applySync` (no IPC, no promise for a sync export). The isolate still has its heap limit and
 * timeout, but a snippet that V8 cannot stop (a `Map` or object grown without bound) aborts the
 * whole engine, and a hostile value thrown by module top-level code (isolated-vm copies it
 * outside the time limit) hangs it: only code you trust belongs here.
 */
export class InProcessSandbox implements SnippetSandbox {
  readonly isolation = 'in-process';
  readonly processIds: readonly number[] = [];
  readonly #snippets = new Set<IsolatedSnippet>();
  #closed = false;

  /** A compiled program; ERR_SANDBOX_CLOSED once the sandbox is closed (as in the process sandbox). */
  compile(source: SnippetSource): Program {
    if (this.#closed) throw new WeftError('ERR_SANDBOX_CLOSED');
    const snippet = new IsolatedSnippet(source.language, toJavascript(source.language, source.code), source.limits);
    this.#snippets.add(snippet);
    return new InProcessProgram(snippet, () => this.#snippets.delete(snippet));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const snippet of this.#snippets) snippet.close();
    this.#snippets.clear();
  }
}

/** A compiled in-process snippet: `run` is the isolate call itself. */
class InProcessProgram implements Program {
  readonly #snippet: IsolatedSnippet;
  readonly #release: () => void;

  constructor(snippet: IsolatedSnippet, release: () => void) {
    this.#snippet = snippet;
    this.#release = release;
  }

  run(input: unknown): unknown {
    return this.#snippet.call(input);
  }

  close(): void {
    this.#snippet.close();
    this.#release();
  }
}
