import { describe, expect, it } from 'vitest';
import { DEFAULT_SNIPPET_LIMITS, snippetLimits } from '../../../../src/index.ts';

describe('snippetLimits', () => {
  it('fills in 128 MiB, 5 s and 16 MiB payloads, or the language defaults, under what the spec gives', () => {
    expect(DEFAULT_SNIPPET_LIMITS).toEqual({ memoryMb: 128, timeoutMs: 5000, payloadMb: 16 });
    expect(snippetLimits(undefined)).toEqual({ memoryMb: 128, timeoutMs: 5000, payloadMb: 16 });
    expect(snippetLimits({ timeoutMs: 250 }, { memoryMb: 64, timeoutMs: 1000, payloadMb: 2 })).toEqual({ memoryMb: 64, timeoutMs: 250, payloadMb: 2 });
    expect(snippetLimits({ memoryMb: 8, timeoutMs: 0.5 })).toEqual({ memoryMb: 8, timeoutMs: 1, payloadMb: 16 });
    expect(snippetLimits({ timeoutMs: 60_000 }).timeoutMs).toBe(60_000);
  });

  it('refuses memory and timeouts out of range, timeouts over 60 s included, with ERR_SNIPPET_LIMITS_INVALID', () => {
    for (const options of [{ memoryMb: 7 }, { memoryMb: 16_385 }, { memoryMb: 10.5 }, { timeoutMs: 0 }, { timeoutMs: Number.NaN }, { timeoutMs: 60_001 }, { timeoutMs: 24 * 86_400_000 }]) {
      expect(() => snippetLimits(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_LIMITS_INVALID', category: 'invalid argument' }));
    }
    expect(() => snippetLimits(undefined, { ...DEFAULT_SNIPPET_LIMITS, payloadMb: 0 })).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_LIMITS_INVALID' }));
  });
});
