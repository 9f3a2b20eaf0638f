import { describe, expect, it } from 'vitest';
import { negotiate } from '../../../../codecs/_shared/http/negotiate.ts';

const offers = ['text/plain; charset=utf-8', 'application/json; charset=utf-8'];

describe('negotiate', () => {
  it.each([
    [undefined, offers[0]],
    ['', offers[0]],
    ['*/*', offers[0]],
    ['application/json', offers[1]],
    ['APPLICATION/JSON; charset=utf-8', offers[1]],
    ['application/*', offers[1]],
    ['text/plain;q=0.2, application/json;q=0.8', offers[1]],
    ['application/json;q=0, */*', offers[0]],
    ['*/*;q=0.1, application/json;q=0', offers[0]],
    ['image/png', offers[0]],
  ])('Accept %j picks %s', (accept, expected) => {
    expect(negotiate(accept, offers)).toBe(expected);
  });

  it('gives the only offer whatever Accept says', () => {
    expect(negotiate('text/html', ['application/octet-stream'])).toBe('application/octet-stream');
  });
});
