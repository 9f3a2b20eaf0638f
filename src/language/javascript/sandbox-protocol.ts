import { WeftError, type ErrorCode, type ErrorParams } from '../../errors/index.ts';
import type { SnippetLanguage } from './to-javascript.ts';

/**
 * The messages between the engine and a sandbox child process. They travel in frames (a list
 * of messages, see encodeFrame) over the child's fd 3, so one write carries many calls; the
 * pipe keeps their order, so a snippet's compile always precedes the calls that use it.
 */
export const Op = {
  /** engine → child: [compile, snippet, language, code, memoryMb, timeoutMs, payloadMb] */
  compile: 0,
  /** engine → child: [drop, snippet] */
  drop: 1,
  /** engine → child: [call, call id, snippet, input, input kind (InputKind), deadline (Date.now() ms: run it before, or answer ERR_SANDBOX_BUSY)] */
  call: 2,
  /** child → engine: [ready], once isolated-vm has loaded */
  ready: 3,
  /** child → engine: [compiled, snippet, failure or null] */
  compiled: 4,
  /** child → engine: [ok, call id, result] */
  ok: 5,
  /** child → engine: [fail, call id, failure] */
  fail: 6,
  /** child → engine: [okJson, call id, result as JSON text] */
  okJson: 7,
  /** engine → child: [cancel, call ids]: skip these calls if they have not started (the engine sent them elsewhere) */
  cancel: 8,
} as const;

/** How a call's input travels: a structured value, JSON text (see isJsonExact), or an error view. */
export const InputKind = { value: 0, json: 1, error: 2 } as const;
/** One of InputKind. */
export type InputKind = (typeof InputKind)[keyof typeof InputKind];

/** A WeftError as it crosses the pipe: its code and message parameters. */
export type WireError = readonly [code: ErrorCode, params: ErrorParams];

/** What the engine sends. */
export type ToChild =
  | readonly [op: typeof Op.compile, snippet: number, language: SnippetLanguage, code: string, memoryMb: number, timeoutMs: number, payloadMb: number]
  | readonly [op: typeof Op.drop, snippet: number]
  | readonly [op: typeof Op.call, call: number, snippet: number, input: unknown, kind: InputKind, deadline: number]
  | readonly [op: typeof Op.cancel, calls: readonly number[]];

/** What a child sends. */
export type FromChild =
  | readonly [op: typeof Op.ready]
  | readonly [op: typeof Op.compiled, snippet: number, failure: WireError | null]
  | readonly [op: typeof Op.ok, call: number, result: unknown]
  | readonly [op: typeof Op.fail, call: number, failure: WireError]
  | readonly [op: typeof Op.okJson, call: number, json: string];

/** The wire form of anything thrown (a WeftError keeps its code; anything else is ERR_INTERNAL). */
export function toWire(thrown: unknown): WireError {
  if (thrown instanceof WeftError) return [thrown.code, thrown.params];
  return ['ERR_INTERNAL', { reason: thrown instanceof Error ? thrown.message : String(thrown) }];
}

/** The WeftError a wire error stands for. */
export function fromWire(failure: WireError): WeftError {
  return new WeftError(failure[0], failure[1]);
}
