import type { LanguageLogger, Program } from '../language.ts';
import type { SnippetLimits } from './snippet-limits.ts';
import type { SnippetLanguage } from './to-javascript.ts';

/**
 * Where snippet isolates live: `process` (the default) in a pool of supervised sandbox child
 * processes, so that a snippet that crashes V8 (a `Map` grown without bound aborts the process
 * that holds the isolate) takes down only a replaceable child; `in-process` inside the engine
 * process, for trusted code only, with synchronous calls and no IPC.
 */
export type Isolation = 'process' | 'in-process';

/** One snippet to compile: its source language, code and limits, and how to report on it. */
export interface SnippetSource {
  readonly language: SnippetLanguage;
  readonly code: string;
  readonly limits: SnippetLimits;
  /** The node it belongs to, named in log lines. */
  readonly label: string;
  readonly logger?: LanguageLogger;
}

/**
 * Runs snippets in isolated-vm isolates, one isolate and context per snippet. `compile` throws
 * (or rejects with) ERR_SNIPPET_COMPILE for code that does not compile; the programs it returns
 * fail calls with coded errors and must be closed. `close` releases every isolate and child
 * process, fails calls still in flight with ERR_SANDBOX_CLOSED, and is idempotent.
 */
export interface SnippetSandbox {
  readonly isolation: Isolation;
  /** The process ids of the sandbox children running now (none in process, or before the first compile). */
  readonly processIds: readonly number[];
  compile(source: SnippetSource): Program | Promise<Program>;
  /**
   * Whether snippets can run now, for readiness (`/readyz` names it `sandbox`): cheap,
   * synchronous, never throws. Absent for a sandbox that cannot fail on its own (in-process).
   */
  health?(): SandboxHealth;
  close(): Promise<void>;
}

/** A sandbox's answer to a readiness probe (the shape of a health contributor's check). */
export interface SandboxHealth {
  readonly ok: boolean;
  readonly reason?: string;
}
