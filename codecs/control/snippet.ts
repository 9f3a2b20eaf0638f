import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type Program, type Reply } from '../../src/index.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';

/** The kind name. */
export const kind = 'snippet';

/** The snippet's own spec fields. */
export const schema = Type.Object({
  language: Type.String({
    minLength: 1,
    description: 'The language of `code`: text, json or yaml, and the others the runtime offers (cel, javascript, typescript).',
  }),
  code: Type.String({ description: 'The program, compiled once when the spec loads; its result is the output.' }),
  timeout: Type.Optional(durationSchema('Per-call time limit for sandboxed languages: a duration such as "5s" or milliseconds.')),
  memory: Type.Optional(Type.Integer({ minimum: 8, maximum: 16384, description: 'Heap limit in MiB for javascript and typescript (default 128).' })),
});

/**
 * Runs a compiled program on each packet's payload: the result goes to `out`, a failure to
 * `error` as ERR_SNIPPET_RUNTIME (a WeftError the language raised, such as a timeout, is kept).
 */
export class SnippetNode extends OneToOneNode {
  readonly #program: Program;

  constructor(program: Program) {
    super((_process, packet) => runProgram(program, packet));
    this.#program = program;
  }

  override async close(): Promise<void> {
    super.close();
    try {
      await this.#program.close?.();
    } catch {
      // Closing must not throw (Node contract); the program's resources are gone either way.
    }
  }
}

function runProgram(program: Program, packet: Packet): Reply {
  let result: unknown;
  try {
    result = program.run(packet.payload);
  } catch (thrown) {
    return new Packet(runtimeError(thrown));
  }
  if (result instanceof Promise) return result.then(toPacket, (reason: unknown) => new Packet(runtimeError(reason)));
  return toPacket(result);
}

function toPacket(value: unknown): Packet {
  return new Packet(value === undefined ? null : value);
}

function runtimeError(thrown: unknown): WeftError {
  if (thrown instanceof WeftError) return thrown;
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new WeftError('ERR_SNIPPET_RUNTIME', { reason }, { cause: thrown });
}

/** `snippet`: runs code in one of the runtime's languages (DESIGN.md §4). */
export const definition = defineKind({
  kind,
  description: 'Runs a program on each packet; the program result is the output, a failure goes to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  programs: (spec) => [{ path: 'code', language: spec.language, code: spec.code, languagePath: 'language' }],
  codec: async (spec, context) => {
    const options = {
      timeoutMs: spec.timeout === undefined ? undefined : durationMs(spec.timeout),
      memoryMb: spec.memory,
      label: spec.name ?? spec.id ?? kind,
      logger: context.logger,
    };
    return new SnippetNode(await context.languages.compile(spec.language, spec.code, options));
  },
});
