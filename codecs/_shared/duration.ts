import { Type, type TUnion, type TString, type TNumber } from '@sinclair/typebox';

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** A Go-style duration: one or more `<number><unit>` parts, units ns, us, µs, ms, s, m, h. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$';

/** The schema of a duration field: a string such as `5s`, `1m30s`, `250ms`, or milliseconds. */
export function durationSchema(description: string): TUnion<[TString, TNumber]> {
  return Type.Union([Type.String({ pattern: DURATION_PATTERN }), Type.Number({ minimum: 0 })], { description });
}

/** Milliseconds of a duration accepted by `durationSchema` (a number is already milliseconds). */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return value;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}
