import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type CodecContext, type Logger, type Problem, type Process } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { traceparentOf } from '../_shared/trace-context.ts';
import { commandLabel, type HandlerCommand, type Runner } from './exec/handler.ts';
import { OnceRunner } from './exec/once-runner.ts';
import { acquireRuntimeApi, releaseRuntimeApi, type RuntimeApi } from './exec/runtime-api.ts';
import { WorkerRunner } from './exec/worker-runner.ts';

/** The kind name. */
export const kind = 'exec';

/** The default time limit of one call. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default largest reply (stdout of a call, or one worker line): 16 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Default calls at once: processes in mode `once`, requests in flight in mode `worker`. */
export const DEFAULT_CONCURRENCY = { once: 4, worker: 16 } as const;

/** The exec node's own spec fields. */
export const schema = Type.Object({
  command: Type.String({ minLength: 1, description: 'The program to run: an absolute path, a path from cwd, or a name on PATH (no shell).' }),
  args: Type.Optional(Type.Array(Type.String(), { description: 'Its arguments, passed as they are (no shell parsing).' })),
  mode: Type.Optional(Type.Union([Type.Literal('once'), Type.Literal('worker')], {
    description: 'once (default): a process per call, JSON in on stdin, JSON out on stdout; worker: one long-lived process speaking NDJSON.',
  })),
  timeout: Type.Optional(durationSchema('Time limit of one call, waiting for a free slot included (default 30s).')),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description: 'Calls at once: processes (once, default 4) or requests in flight (worker, default 16); more wait.' })),
  env: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'Variables added to the engine\'s environment for the handler.' })),
  cwd: Type.Optional(Type.String({ minLength: 1, description: 'The working directory of the handler (default: the engine\'s).' })),
  maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'The largest reply accepted, in bytes (default 16 MiB).' })),
});

/** What an ExecNode needs: the spec's settings, resolved, and the codec context. */
export interface ExecOptions {
  readonly command: string;
  readonly args?: readonly string[];
  readonly mode?: 'once' | 'worker';
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly maxOutputBytes?: number;
  readonly context: CodecContext;
  readonly logger?: Logger;
}

/**
 * Runs an external handler, in any language, per packet (seed 000 "handlers in any language"):
 * the payload goes to it as JSON and its JSON answer is the reply (see OnceRunner and
 * WorkerRunner). Failures are coded errors on `error` (ERR_EXEC_*, ERR_EXEC_TIMEOUT past the
 * timeout, ERR_PROCESS_ABORTED when the process ends). Handlers get the engine's runtime API
 * in WEFT_RUNTIME_URL and WEFT_RUNTIME_TOKEN, and the id of their call (WEFT_CALL, or `call`
 * in a worker request) to call nodes back inside the same process.
 */
export class ExecNode extends OneToOneNode {
  readonly #state: ExecState;

  constructor(options: ExecOptions) {
    const state = new ExecState(options);
    super((process, packet) => state.call(process, packet));
    this.#state = state;
  }

  override async close(): Promise<void> {
    super.close();
    await this.#state.close();
  }
}

class ExecState {
  readonly #options: ExecOptions;
  readonly #label: string;
  readonly #timeoutMs: number;
  readonly #api: RuntimeApi;
  #runner: Promise<Runner> | undefined;

  constructor(options: ExecOptions) {
    this.#options = options;
    this.#label = commandLabel({ command: options.command, args: options.args ?? [] } as HandlerCommand);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#api = acquireRuntimeApi(options.context);
  }

  async call(process: Process, packet: Packet): Promise<Packet> {
    let json: string;
    try {
      json = toJson(packet.payload);
    } catch (thrown) {
      return new Packet(new WeftError('ERR_EXEC_INPUT', { reason: (thrown as Error).message }));
    }
    const controller = new AbortController();
    let why: 'timeout' | 'aborted' | undefined;
    const timer = setTimeout(() => {
      why = 'timeout';
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = (): void => {
      why ??= 'aborted';
      controller.abort();
    };
    if (process.signal.aborted) onAbort();
    else process.signal.addEventListener('abort', onAbort, { once: true });
    const callId = this.#api.enter(process);
    try {
      const runner = await this.#startRunner();
      return new Packet(await runner.run({ json, signal: controller.signal, callId, traceparent: traceparentOf(process) }));
    } catch (thrown) {
      if (why === 'timeout') return new Packet(new WeftError('ERR_EXEC_TIMEOUT', { command: this.#label, ms: this.#timeoutMs }));
      if (why === 'aborted') return new Packet(new WeftError('ERR_PROCESS_ABORTED', { node: `exec ${this.#label}` }, { cause: process.signal.reason }));
      return new Packet(thrown instanceof WeftError ? thrown : new WeftError('ERR_EXEC_SPAWN', { command: this.#label, reason: String(thrown) }, { cause: thrown }));
    } finally {
      clearTimeout(timer);
      process.signal.removeEventListener('abort', onAbort);
      this.#api.leave(callId);
    }
  }

  async close(): Promise<void> {
    const runner = this.#runner;
    this.#runner = undefined;
    try {
      await (await runner?.catch(() => undefined))?.close();
      await releaseRuntimeApi(this.#options.context, this.#api);
    } catch {
      // Closing must not throw (Node contract).
    }
  }

  /** The runner, made on the first call: the handler's environment needs the API's address. */
  #startRunner(): Promise<Runner> {
    this.#runner ??= this.#api.url().then(
      (url) => this.#makeRunner(url),
      (thrown: unknown) => {
        this.#runner = undefined;
        throw new WeftError('ERR_EXEC_SPAWN', { command: this.#label, reason: `the runtime API cannot listen: ${String(thrown)}` }, { cause: thrown });
      },
    );
    return this.#runner;
  }

  #makeRunner(url: string): Runner {
    const options = this.#options;
    const mode = options.mode ?? 'once';
    const command: HandlerCommand = {
      command: options.command,
      args: options.args ?? [],
      cwd: options.cwd,
      env: { ...process.env, ...options.env, WEFT_RUNTIME_URL: url, WEFT_RUNTIME_TOKEN: this.#api.token, WEFT_NAMESPACE: options.context.namespace },
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      logger: options.logger ?? options.context.logger.child({ kind, command: this.#label }),
    };
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY[mode];
    return mode === 'worker' ? new WorkerRunner(command, concurrency) : new OnceRunner(command, concurrency);
  }
}

/** JSON text of a payload: bigints become numbers (or strings beyond 2^53); bytes are refused. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Uint8Array) throw new Error('bytes are not JSON; send a string (base64, say) instead');
    if (typeof item !== 'bigint') return item;
    return Number.isSafeInteger(Number(item)) ? Number(item) : item.toString();
  }) ?? 'null';
}

function validate(spec: { timeout?: string | number }): Problem[] {
  if (spec.timeout === undefined) return [];
  const problem = delayProblem('timeout', spec.timeout);
  if (problem !== undefined) return [problem];
  return durationMs(spec.timeout) > 0 ? [] : [{ path: 'timeout', code: 'ERR_SPEC_INVALID', message: 'must be more than 0' }];
}

/** `exec`: external handlers (seed 000). */
export const definition = defineKind({
  kind,
  description: 'Runs an external program per packet (JSON on stdin, JSON reply on stdout) or keeps a worker speaking NDJSON; failures go to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => new ExecNode({
    command: spec.command,
    args: spec.args,
    mode: spec.mode,
    timeoutMs: spec.timeout === undefined ? undefined : durationMs(spec.timeout),
    concurrency: spec.concurrency,
    env: spec.env,
    cwd: spec.cwd,
    maxOutputBytes: spec.maxOutputBytes,
    context,
    logger: context.logger.child({ kind, node: spec.name ?? spec.id ?? spec.command }),
  }),
});
