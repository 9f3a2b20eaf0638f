import { Type } from '@sinclair/typebox';
import { defineKind } from '../../src/index.ts';
import { BranchNode } from '../_shared/branch-node.ts';
import { compileConditions } from '../_shared/condition.ts';

/** The kind name. */
export const kind = 'if';

/** The if's own spec fields. */
export const schema = Type.Object({
  when: Type.String({
    minLength: 1,
    description: 'The condition, compiled once when the spec loads; `self` is the payload. It must give a boolean.',
    examples: ['self.body.age >= 18', 'self == "not found"'],
  }),
  language: Type.Optional(Type.String({ minLength: 1, default: 'cel', description: 'The language of `when`; cel by default.' })),
});

/**
 * `if` (uniflow §9.2): the packet goes to `out[0]` (also called `out`) when `when` is true and
 * to `out[1]` when it is false, unchanged; that port's reply is the if's reply, the packet
 * itself when the port is unlinked. A condition that fails or gives a non-boolean sends a
 * coded error to `error`.
 */
export const definition = defineKind({
  kind,
  description: 'Sends the packet to out[0] when the condition is true, to out[1] when it is false; a failing condition goes to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'out[0]', 'out[1]', 'error'] },
  programs: (spec) => [{ path: 'when', language: spec.language ?? 'cel', code: spec.when, ...(spec.language === undefined ? {} : { languagePath: 'language' }) }],
  codec: async (spec, context) => {
    const [condition] = await compileConditions(spec, [{ field: 'when', language: spec.language ?? 'cel', code: spec.when }], context);
    return new BranchNode([{ condition: condition!, port: 0 }], { otherwise: 1, ports: 2 });
  },
});
