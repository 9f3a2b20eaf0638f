import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, durationMs } from '../../../codecs/_shared/duration.ts';

describe('durationMs', () => {
  it.each([
    ['5s', 5000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['1500us', 1.5],
    [40, 40],
  ])('reads %j as %d ms', (value, ms) => {
    expect(durationMs(value)).toBe(ms);
  });

  it('matches only well-formed durations', () => {
    const pattern = new RegExp(DURATION_PATTERN);
    expect(['5s', '1h2m3s', '10ms'].every((value) => pattern.test(value))).toBe(true);
    expect(['', '5', 's', '5 s', '-1s', 'soon'].some((value) => pattern.test(value))).toBe(false);
  });
});
