import { describe, expect, it } from 'vitest';
import { indexedPort, isPortName, parsePortName, WeftError } from '../../../src/index.ts';

describe('parsePortName', () => {
  it('parses plain names', () => {
    for (const name of ['in', 'out', 'error', 'io']) expect(parsePortName(name)).toEqual({ base: name });
  });

  it('parses indexed names', () => {
    expect(parsePortName('out[0]')).toEqual({ base: 'out', index: 0 });
    expect(parsePortName('in[12]')).toEqual({ base: 'in', index: 12 });
  });

  it('throws ERR_PORT_NAME_INVALID for malformed names', () => {
    for (const name of ['', 'out[]', 'out[-1]', 'out[a]', '[0]', '0out', 'out[0', 'out 1', 'out[0][1]', 'out.x']) {
      let caught: unknown;
      try {
        parsePortName(name);
      } catch (error) {
        caught = error;
      }
      expect(caught, name).toBeInstanceOf(WeftError);
      expect((caught as WeftError).code, name).toBe('ERR_PORT_NAME_INVALID');
      expect((caught as WeftError).params, name).toEqual({ port: name });
    }
  });
});

describe('isPortName', () => {
  it('accepts the names parsePortName accepts and refuses the others', () => {
    expect(isPortName('out')).toBe(true);
    expect(isPortName('out[3]')).toBe(true);
    expect(isPortName('my_port-2')).toBe(true);
    expect(isPortName('out[]')).toBe(false);
    expect(isPortName('')).toBe(false);
    expect(isPortName('out[x]')).toBe(false);
  });
});

describe('indexedPort', () => {
  it('formats base and index, and round-trips through parsePortName', () => {
    expect(indexedPort('out', 1)).toBe('out[1]');
    expect(parsePortName(indexedPort('in', 7))).toEqual({ base: 'in', index: 7 });
  });
});
