import { describe, expect, it } from 'vitest';
import { catalogue, httpStatusOf, WeftError } from '../../../src/index.ts';

describe('WeftError', () => {
  it('takes its category from the catalogue row of its code', () => {
    const error = new WeftError('ERR_SPEC_NOT_FOUND', { spec: 'default/x' });
    expect(error.code).toBe('ERR_SPEC_NOT_FOUND');
    expect(error.category).toBe(catalogue.ERR_SPEC_NOT_FOUND.category);
    expect(error.category).toBe('not found');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WeftError');
  });

  it('fills the message template from its parameters', () => {
    const error = new WeftError('ERR_PORT_UNKNOWN', { spec: 'default/a', direction: 'out', port: 'outt', kind: 'snippet' });
    expect(error.message).toBe('spec default/a: out port "outt" does not exist on kind snippet');
    expect(error.params).toEqual({ spec: 'default/a', direction: 'out', port: 'outt', kind: 'snippet' });
  });

  it('leaves a placeholder without a parameter as it is', () => {
    const error = new WeftError('ERR_SPEC_NOT_FOUND');
    expect(error.message).toBe('spec {spec} not found');
  });

  it('renders numbers in the template', () => {
    const error = new WeftError('ERR_DRAIN_TIMEOUT', { count: 3, ms: 500 });
    expect(error.message).toBe('3 processes still running after 500 ms');
  });

  it('error() returns the message, as a seed snippet calls it', () => {
    const error = new WeftError('ERR_INTERNAL', { reason: 'boom' });
    expect(error.error()).toBe(error.message);
    expect(error.error()).toBe('internal error: boom');
  });

  it('keeps details and cause', () => {
    const cause = new Error('disk full');
    const details = [{ path: 'routes[0].port', message: 'bad' }];
    const error = new WeftError('ERR_SPEC_INVALID', { spec: 's', problems: 'x' }, { cause, details });
    expect(error.cause).toBe(cause);
    expect(error.details).toBe(details);
  });

  it('has no cause property when none is given', () => {
    const error = new WeftError('ERR_INTERNAL', { reason: 'r' });
    expect('cause' in error).toBe(false);
    expect(error.details).toBeUndefined();
  });

  it('serialises to code, category, message and details', () => {
    const error = new WeftError('ERR_NAME_TAKEN', { name: 'a', namespace: 'n' }, { details: { id: 1 } });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'ERR_NAME_TAKEN',
      category: 'already exists',
      message: 'a spec named "a" already exists in namespace "n"',
      details: { id: 1 },
    });
    expect(new WeftError('ERR_STORE_CLOSED').toJSON()).not.toHaveProperty('details');
  });

  it('every catalogue row has a known category with an HTTP status, a message and a hint', () => {
    for (const [code, row] of Object.entries(catalogue)) {
      expect(code).toMatch(/^ERR_[A-Z0-9_]+$/);
      expect(httpStatusOf[row.category], code).toBeGreaterThanOrEqual(400);
      expect(row.message.length, code).toBeGreaterThan(0);
      expect(row.hint.length, code).toBeGreaterThan(0);
    }
  });
});
