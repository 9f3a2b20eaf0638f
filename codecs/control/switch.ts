import { Type, type Static } from '@sinclair/typebox';
import { defineKind, indexOfPort, invalidSpecError, type Problem } from '../../src/index.ts';
import { BranchNode } from '../_shared/branch-node.ts';
import { compileConditions } from '../_shared/condition.ts';

/** The kind name. */
export const kind = 'switch';

/** One case: a condition and the `out[N]` port its packets go to. */
export const MatchSchema = Type.Object(
  {
    when: Type.String({ minLength: 1, description: 'The condition (cel unless `language` says otherwise); `self` is the payload.' }),
    port: Type.String({ pattern: '^out(\\[\\d+\\])?$', description: 'Where packets go when `when` is the first true condition: out[N] (out is out[0]).' }),
  },
  { additionalProperties: false },
);

const cases = (description: string) => Type.Optional(Type.Array(MatchSchema, { minItems: 1, description }));

/** The switch's own spec fields: `matches`, or its older name `match` (the seed's), not both. */
export const schema = Type.Object({
  matches: cases('The cases, tried in order; the first true condition wins.'),
  match: cases('The older name of `matches` (uniflow before 57d); give one of the two.'),
  language: Type.Optional(Type.String({ minLength: 1, default: 'cel', description: 'The language of every `when`; cel by default.' })),
});

type SwitchFields = Static<typeof schema>;

/** What the schema cannot say: exactly one of `matches` and `match`. */
export function matchProblems(spec: SwitchFields): Problem[] {
  if (spec.matches !== undefined && spec.match !== undefined) {
    return [{ path: 'matches', code: 'ERR_SPEC_INVALID', message: 'give matches or its older name match, not both' }];
  }
  if (spec.matches === undefined && spec.match === undefined) {
    return [{ path: 'matches', code: 'ERR_SPEC_INVALID', message: 'matches is required (or its older name match)' }];
  }
  return [];
}

/**
 * `switch` (uniflow §9.2): the cases are tried in order and the original packet goes to the
 * `out[N]` of the first true condition; its reply is the switch's reply. No true condition:
 * the packet itself is the reply (uniflow HEAD; 57d replied None). A failing or non-boolean
 * condition sends a coded error to `error`. Unlike uniflow, every `port` must be a well-formed
 * `out[N]` (refused, not dropped) and any N works, whatever the number of cases.
 */
export const definition = defineKind({
  kind,
  description: 'Routes each packet to the out[N] of the first case whose condition is true; no match replies with the packet itself.',
  schema,
  ports: { in: ['in'], out: ['out[]', 'error'] },
  validate: (spec) => matchProblems(spec),
  programs: (spec) => {
    const field = spec.matches !== undefined ? 'matches' : 'match';
    const languagePath = spec.language === undefined ? {} : { languagePath: 'language' };
    return (spec.matches ?? spec.match ?? []).map((entry, index) => ({ path: `${field}[${index}].when`, language: spec.language ?? 'cel', code: entry.when, ...languagePath }));
  },
  codec: async (spec, context) => {
    const problems = matchProblems(spec);
    if (problems.length > 0) throw invalidSpecError(spec, problems);
    const field = spec.matches !== undefined ? 'matches' : 'match';
    const entries = (spec.matches ?? spec.match)!;
    const language = spec.language ?? 'cel';
    const sources = entries.map((entry, index) => ({ field: `${field}[${index}].when`, language, code: entry.when }));
    const conditions = await compileConditions(spec, sources, context);
    return new BranchNode(conditions.map((condition, index) => ({ condition, port: indexOfPort(entries[index]!.port, 'out')! })));
  },
});
