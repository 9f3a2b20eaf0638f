import { describe, expect, it } from 'vitest';
import { DEFAULT_SNIPPET_LIMITS, snippetLimits } from '../../../../src/index.ts';

describe('snippetLimits', () => {
  it('fills in 128 MiB and 5 s, or the language defaults, under what the spec gives', () => {
    expect(DEFAULT_SNIPPET_LIMITS).toEqual({ memoryMb: 128, timeoutMs: 5000 });
    expect(snippetLimits(undefined)).toEqual({ memoryMb: 128, timeoutMs: 5000 });
    expect(snippetLimits({ timeoutMs: 250 }, { memoryMb: 64, timeoutMs: 1000 })).toEqual({ memoryMb: 64, timeoutMs: 250 });
    expect(snippetLimits({ memoryMb: 8, timeoutMs: 0.5 })).toEqual({ memoryMb: 8, timeoutMs: 1 });
  });

  it('refuses memory and timeouts out of range with ERR_SNIPPET_LIMITS_INVALID', () => {
    for (const options of [{ memoryMb: 7 }, { memoryMb: 16_385 }, { memoryMb: 10.5 }, { timeoutMs: 0 }, { timeoutMs: Number.NaN }, { timeoutMs: 2 ** 31 }]) {
      expect(() => snippetLimits(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_LIMITS_INVALID', category: 'invalid argument' }));
    }
  });
});
