import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../../codecs/network/listener/log-throttle.ts';

describe('LogThrottle', () => {
  it('lets one line per key through per interval and counts the ones held back', () => {
    let now = 0;
    const throttle = new LogThrottle(1000, () => now);
    expect(throttle.admit('ERR_A')).toBe(0);
    expect(throttle.admit('ERR_A')).toBeUndefined();
    expect(throttle.admit('ERR_A')).toBeUndefined();
    expect(throttle.admit('ERR_B')).toBe(0);
    now = 999;
    expect(throttle.admit('ERR_A')).toBeUndefined();
    now = 1000;
    expect(throttle.admit('ERR_A')).toBe(3);
    expect(throttle.admit('ERR_A')).toBeUndefined();
  });
});
