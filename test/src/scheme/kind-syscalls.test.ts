import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { createCodecContext, createDefaultLanguages, defineKind, OneToOneNode, Process, Scheme, type CodecContext } from '../../../src/index.ts';

describe('kind syscalls', () => {
  it('joins the system calls a kind offers to each codec context, made once per context; a given opcode wins', async () => {
    const made: CodecContext[] = [];
    const offering = defineKind({
      kind: 'offering',
      description: 'offers system calls',
      schema: Type.Object({}),
      ports: { in: ['in'], out: ['out'] },
      syscalls: (context) => {
        made.push(context);
        return { 'offering.namespace': () => context.namespace, 'shared.op': () => 'kind' };
      },
      codec: () => new OneToOneNode((_process, packet) => packet),
    });
    const scheme = new Scheme({ kinds: [offering] });
    const context = createCodecContext({ scheme, languages: createDefaultLanguages(), namespace: 'n1', syscalls: new Map([['shared.op', () => 'given']]) });
    expect(made).toEqual([context]);
    expect(context.syscalls.get('offering.namespace')!(new Process(), null)).toBe('n1');
    expect(context.syscalls.get('shared.op')!(new Process(), null)).toBe('given');
    createCodecContext({ scheme, languages: createDefaultLanguages() });
    expect(made).toHaveLength(2);
  });
});
