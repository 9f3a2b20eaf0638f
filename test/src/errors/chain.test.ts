import { describe, expect, it } from 'vitest';
import { errorChain, errorMatches, toWeftError, WeftError } from '../../../src/index.ts';

describe('errorChain', () => {
  it('lists the error first, then its causes and aggregate members, each once', () => {
    const leaf = new Error('leaf');
    const other = new WeftError('ERR_STORE_CLOSED');
    const aggregate = new AggregateError([leaf, other, leaf], 'several');
    const top = new WeftError('ERR_MULTIPLE', { message: 'x' }, { cause: aggregate });
    expect(errorChain(top)).toEqual([top, aggregate, leaf, other]);
  });

  it('stops at a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(errorChain(a)).toEqual([a, b]);
  });

  it('includes a non-error cause as a value', () => {
    const error = new Error('wrapped', { cause: 'text' });
    expect(errorChain(error)).toEqual([error, 'text']);
  });
});

describe('errorMatches', () => {
  const notFound = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 'default/a' });

  it('matches the category, the code or the message of the error itself', () => {
    expect(errorMatches(notFound, 'not found')).toBe(true);
    expect(errorMatches(notFound, 'ERR_SPEC_NOT_FOUND')).toBe(true);
    expect(errorMatches(notFound, 'spec default/a not found')).toBe(true);
  });

  it("matches a Node error's code in the chain (ECONNREFUSED), not only weft's", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const top = new WeftError('ERR_STORE_UNAVAILABLE', { reason: 'down' }, { cause: refused });
    expect(errorMatches(top, 'ECONNREFUSED')).toBe(true);
    expect(errorMatches(top, 'EPIPE')).toBe(false);
  });

  it('does not match other text, or part of the message', () => {
    expect(errorMatches(notFound, 'invalid argument')).toBe(false);
    expect(errorMatches(notFound, 'ERR_INTERNAL')).toBe(false);
    expect(errorMatches(notFound, 'not')).toBe(false);
  });

  it('matches anywhere in the cause chain', () => {
    const top = new WeftError('ERR_INTERNAL', { reason: 'x' }, { cause: new Error('plain', { cause: notFound }) });
    expect(errorMatches(top, 'internal')).toBe(true);
    expect(errorMatches(top, 'plain')).toBe(true);
    expect(errorMatches(top, 'not found')).toBe(true);
    expect(errorMatches(top, 'ERR_SPEC_NOT_FOUND')).toBe(true);
  });

  it('matches the members of an AggregateError', () => {
    const taken = new WeftError('ERR_NAME_TAKEN', { name: 'a', namespace: 'n' });
    const top = new Error('outer', { cause: new AggregateError([new Error('first'), taken], 'both') });
    expect(errorMatches(top, 'already exists')).toBe(true);
    expect(errorMatches(top, 'ERR_NAME_TAKEN')).toBe(true);
    expect(errorMatches(top, 'first')).toBe(true);
    expect(errorMatches(top, 'both')).toBe(true);
    expect(errorMatches(top, 'unavailable')).toBe(false);
  });

  it('matches a plain error by message only', () => {
    expect(errorMatches(new Error('internal'), 'internal')).toBe(true);
    expect(errorMatches(new Error('boom'), 'internal')).toBe(false);
  });

  it('is false for values that are not errors', () => {
    expect(errorMatches('not found', 'not found')).toBe(false);
    expect(errorMatches(null, 'internal')).toBe(false);
    expect(errorMatches(undefined, 'internal')).toBe(false);
  });
});

describe('toWeftError', () => {
  it('keeps a WeftError as the same object', () => {
    const error = new WeftError('ERR_STORE_CLOSED');
    expect(toWeftError(error)).toBe(error);
  });

  it('wraps an Error as ERR_INTERNAL with the error as cause', () => {
    const thrown = new TypeError('x is not a function');
    const error = toWeftError(thrown);
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('ERR_INTERNAL');
    expect(error.category).toBe('internal');
    expect(error.cause).toBe(thrown);
    expect(error.params).toEqual({ reason: 'x is not a function' });
    expect(errorMatches(error, 'x is not a function')).toBe(true);
  });

  it('wraps a thrown non-error as ERR_INTERNAL with its text as reason', () => {
    const error = toWeftError('just a string');
    expect(error.code).toBe('ERR_INTERNAL');
    expect(error.params).toEqual({ reason: 'just a string' });
    expect(error.cause).toBe('just a string');
    expect(toWeftError(undefined).code).toBe('ERR_INTERNAL');
  });
});
