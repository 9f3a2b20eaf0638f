import type { Program } from '../language.ts';
import { IsolatedSnippet } from './isolated-snippet.ts';
import type { SnippetSandbox, SnippetSource } from './snippet-sandbox.ts';
import { toJavascript } from './to-javascript.ts';

/**
 * Isolates inside the engine process, for trusted namespaces: a call is one synchronous
 * `applySync` (no IPC, no promise for a sync export). The isolate still has its heap limit and
 * timeout, but a snippet that V8 cannot stop (a `Map` or object grown without bound) aborts the
 * whole engine: only code you trust belongs here.
 */
export class InProcessSandbox implements SnippetSandbox {
  readonly isolation = 'in-process';
  readonly processIds: readonly number[] = [];
  readonly #snippets = new Set<IsolatedSnippet>();

  compile(source: SnippetSource): Program {
    const snippet = new IsolatedSnippet(source.language, toJavascript(source.language, source.code), source.limits);
    this.#snippets.add(snippet);
    return new InProcessProgram(snippet, () => this.#snippets.delete(snippet));
  }

  async close(): Promise<void> {
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
