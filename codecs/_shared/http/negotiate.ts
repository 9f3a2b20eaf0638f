import { mediaEssence } from './media-type.ts';

interface MediaRange {
  readonly essence: string;
  readonly q: number;
}

/**
 * Picks the offer an `Accept` header prefers. Media types are compared without their
 * parameters (`application/json` accepts `application/json; charset=utf-8`), `type/*` and
 * `*\/*` match as wildcards, the most specific matching range gives an offer its weight, the
 * highest weight wins and ties go to the earlier offer. No Accept, or nothing acceptable, gives
 * the first offer.
 */
export function negotiate(accept: string | undefined, offers: readonly string[]): string {
  if (offers.length === 1 || accept === undefined || accept === '' || accept === '*/*') return offers[0]!;
  const ranges = parseAccept(accept);
  let best = offers[0]!;
  let bestWeight = 0;
  for (const offer of offers) {
    const weight = weightOf(mediaEssence(offer), ranges);
    if (weight > bestWeight) {
      best = offer;
      bestWeight = weight;
    }
  }
  return best;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const essence = mediaEssence(part);
    if (essence === '') continue;
    const match = /;\s*q\s*=\s*([0-9.]+)/i.exec(part);
    const q = match === null ? 1 : Number(match[1]);
    ranges.push({ essence, q: Number.isFinite(q) ? q : 0 });
  }
  return ranges;
}

function weightOf(essence: string, ranges: readonly MediaRange[]): number {
  const slash = essence.indexOf('/');
  const typeWildcard = `${essence.slice(0, slash)}/*`;
  let specificity = 0;
  let weight = 0;
  for (const range of ranges) {
    const level = range.essence === essence ? 3 : range.essence === typeWildcard ? 2 : range.essence === '*/*' ? 1 : 0;
    if (level > specificity) {
      specificity = level;
      weight = range.q;
    }
  }
  return weight;
}
