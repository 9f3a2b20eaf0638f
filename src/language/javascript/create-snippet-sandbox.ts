import { InProcessSandbox } from './in-process-sandbox.ts';
import { ProcessSandbox, type ProcessSandboxOptions } from './process-sandbox.ts';
import type { Isolation, SnippetSandbox } from './snippet-sandbox.ts';

/** How to build a snippet sandbox. */
export interface SnippetSandboxOptions extends ProcessSandboxOptions {
  /** `process` (default): supervised child processes; `in-process`: the engine's own, for trusted code. */
  readonly isolation?: Isolation;
}

/** A new sandbox of the chosen isolation; the process pool starts no child before the first compile. */
export function createSnippetSandbox(options: SnippetSandboxOptions = {}): SnippetSandbox {
  return options.isolation === 'in-process' ? new InProcessSandbox() : new ProcessSandbox(options);
}
