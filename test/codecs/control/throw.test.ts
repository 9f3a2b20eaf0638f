import { describe, expect, it } from 'vitest';
import { catalogue, Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { THROWN_CODES, ThrowNode, thrownError } from '../../../codecs/control/throw.ts';
import { categories } from '../../../codecs/_shared/categories.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { wire } from '../../harness/wire.ts';
import { probe } from './test-kinds.ts';

const as = (error: Error) => ({ code: (error as WeftError).code, category: (error as WeftError).category, message: error.message });

describe('throw', () => {
  it('makes an error of a string payload; category from the field, internal by default', () => {
    expect(as(thrownError('no such user', { category: 'not found' }))).toEqual({ code: 'ERR_THROWN_NOT_FOUND', category: 'not found', message: 'no such user' });
    expect(as(thrownError('oops', {}))).toEqual({ code: 'ERR_THROWN_INTERNAL', category: 'internal', message: 'oops' });
  });

  it('takes message and category from a map payload; the fields win', () => {
    const payload = { message: 'taken', category: 'already exists' };
    expect(as(thrownError(payload, {}))).toEqual({ code: 'ERR_THROWN_ALREADY_EXISTS', category: 'already exists', message: 'taken' });
    expect(as(thrownError(payload, { category: 'aborted', message: 'fixed' }))).toEqual({ code: 'ERR_THROWN_ABORTED', category: 'aborted', message: 'fixed' });
    expect((thrownError({ message: 'x', category: 'bogus' }, {}) as WeftError).code).toBe('ERR_THROW_INPUT');
  });

  it('rethrows an error payload unchanged, or wraps it (keeping its category) when a field is set', () => {
    const original = new WeftError('ERR_NODE_CLOSED', { node: 'n' });
    expect(thrownError(original, {})).toBe(original);
    const wrapped = thrownError(original, { message: 'wrapped' }) as WeftError;
    expect(as(wrapped)).toEqual({ code: 'ERR_THROWN_UNAVAILABLE', category: 'unavailable', message: 'wrapped' });
    expect(wrapped.cause).toBe(original);
  });

  it('joins the messages of a list, one per line, with its errors as the cause; other values become JSON', () => {
    const inner = new WeftError('ERR_THROWN_NOT_FOUND', { message: 'b' });
    const listed = thrownError(['a', inner, { message: 'c' }], {}) as WeftError;
    expect(listed.message).toBe('a\nb\nc');
    expect((listed.cause as AggregateError).errors).toEqual([inner]);
    expect(thrownError({ n: 1 }, {}).message).toBe('{"n":1}');
    expect(thrownError(42, {}).message).toBe('42');
    expect(thrownError(null, {}).message).toBe('an error was thrown');
  });

  it('has one code per category, each in the catalogue with that category', () => {
    for (const category of categories) expect(catalogue[THROWN_CODES[category]].category).toBe(category);
  });

  it('sends the error to error: linked, the handler’s reply stands; unlinked, it is the reply', async () => {
    const node = new ThrowNode({ category: 'permission denied' });
    expect(((await node.in('in')!.handle(new Process(), new Packet('no'))).payload as WeftError).code).toBe('ERR_THROWN_PERMISSION_DENIED');
    const caught = probe(node.out('error')!, () => 'handled');
    expect((await node.in('in')!.handle(new Process(), new Packet('no'))).payload).toBe('handled');
    expect((caught[0]!.payload as WeftError).message).toBe('no');
    expect(node.out('error')).toBeDefined();
  });

  it('validates its category and declares no out-port but error', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    expect(scheme.validate({ kind: 'throw', category: 'not found', message: 'm' })).toEqual([]);
    expect(scheme.validate({ kind: 'throw', category: 'nope' }).map((problem) => problem.path)).toEqual(['category']);
    expect(scheme.validate({ kind: 'throw', links: { out: [{ name: 'x', port: 'in' }] } }).map((problem) => problem.code)).toEqual(['ERR_PORT_UNKNOWN']);
  });

  it('throws from a wired spec', async () => {
    const wired = await wire([{ kind: 'throw', name: 'fail', category: 'unauthenticated', message: 'log in first' }]);
    try {
      const reply = await wired.send('fail', { whatever: true });
      expect(as(reply.payload as Error)).toEqual({ code: 'ERR_THROWN_UNAUTHENTICATED', category: 'unauthenticated', message: 'log in first' });
    } finally {
      await wired.close();
    }
  });
});
