import { describe, expect, it } from 'vitest';
import { indexOfPort } from '../../../src/index.ts';

describe('indexOfPort', () => {
  it('gives 0 for the bare base and N for base[N]', () => {
    expect(indexOfPort('out', 'out')).toBe(0);
    expect(indexOfPort('out[0]', 'out')).toBe(0);
    expect(indexOfPort('out[12]', 'out')).toBe(12);
  });

  it('gives undefined for another base or a malformed name', () => {
    expect(indexOfPort('in[1]', 'out')).toBeUndefined();
    expect(indexOfPort('error', 'out')).toBeUndefined();
    expect(indexOfPort('out[]', 'out')).toBeUndefined();
    expect(indexOfPort('out[x]', 'out')).toBeUndefined();
    expect(indexOfPort('output[1]', 'out')).toBeUndefined();
  });
});
