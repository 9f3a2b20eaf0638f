import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createCodecContext, createDefaultLanguages, defineKind, OneToOneNode, Packet, Scheme, WeftError, type Spec } from '../../../src/index.ts';

const leaf = defineKind({
  kind: 'leaf',
  description: 'a kind with one required field',
  schema: Type.Object({ value: Type.String() }),
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: () => new OneToOneNode((_process, packet) => packet),
});

let calls = 0;
/** A kind with inline children (`steps`) and a rule across two fields, both checked by `validate`. */
const parent = defineKind({
  kind: 'parent',
  description: 'holds inline child specs',
  schema: Type.Object({ steps: Type.Array(Type.Object({ kind: Type.String() }, { additionalProperties: true })), min: Type.Optional(Type.Integer()), max: Type.Optional(Type.Integer()) }),
  ports: { in: ['in'], out: ['out'] },
  validate: (spec, validateChild) => {
    calls++;
    const problems = spec.steps.flatMap((child, index) => validateChild(child as Spec, `steps[${index}]`));
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
      problems.push({ path: 'max', code: 'ERR_SPEC_INVALID', message: 'must not be below min' });
    }
    return problems;
  },
  codec: () => new OneToOneNode((_process, packet) => new Packet(packet.payload)),
});

const scheme = new Scheme({ kinds: [leaf, parent] });

/** The WeftError a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof WeftError) return thrown;
    throw thrown;
  }
  throw new Error('expected a rejection');
}

describe('KindDefinition.validate', () => {
  it('adds the kind’s own problems and its children’s, under the child’s path', () => {
    const problems = scheme.validate({
      kind: 'parent',
      min: 3,
      max: 1,
      steps: [{ kind: 'leaf', value: 'ok' }, { kind: 'leaf' }, { kind: 'parent', steps: [{ kind: 'missing' }] }, { kind: 'leaf', value: 'x', extra: 1 }],
    });
    expect(problems.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'steps[1].value', code: 'ERR_SPEC_INVALID' },
      { path: 'steps[2].steps[0].kind', code: 'ERR_KIND_UNKNOWN' },
      { path: 'steps[3].extra', code: 'ERR_SPEC_INVALID' },
      { path: 'max', code: 'ERR_SPEC_INVALID' },
    ]);
  });

  it('runs only when the spec’s own fields match the schema', () => {
    const before = calls;
    expect(scheme.validate({ kind: 'parent', steps: 'nope' }).map((problem) => problem.path)).toEqual(['steps']);
    expect(calls).toBe(before);
  });

  it('makes compile refuse the spec with ERR_SPEC_INVALID, even when the one problem is a child’s unknown kind', async () => {
    const context = createCodecContext({ scheme, languages: createDefaultLanguages() });
    const error = await rejection(scheme.compile({ kind: 'parent', steps: [{ kind: 'missing' }] }, context));
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect(error.details).toEqual([expect.objectContaining({ path: 'steps[0].kind', code: 'ERR_KIND_UNKNOWN' })]);
    expect((await rejection(scheme.compile({ kind: 'missing' }, context))).code).toBe('ERR_KIND_UNKNOWN');
  });
});
