/**
 * The generated events of the pipeline example: NDJSON lines of `{id, type, user, value, ts}`,
 * about one line in 500 malformed (not JSON) and one in 500 invalid (value is a string). The
 * same seed gives the same lines.
 */
export function* eventLines(count: number, seed = 1): Generator<string> {
  let state = seed;
  const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const types = ['view', 'click', 'purchase', 'signup'];
  for (let n = 0; n < count; n++) {
    const roll = random();
    if (roll < 0.002) yield `{"id": ${n}, "type": "click", "value": `;
    else if (roll < 0.004) yield JSON.stringify({ id: n, type: 'click', user: `u${n % 1000}`, value: 'twelve' });
    else yield JSON.stringify({ id: n, type: types[Math.floor(random() * types.length)], user: `u${Math.floor(random() * 1000)}`, value: Math.round(random() * 10_000) / 100, ts: 1_764_800_000_000 + n });
  }
}

/** Writes `count` event lines to `write` in chunks of 10 000 lines. */
export function writeEvents(count: number, write: (text: string) => void, seed = 1): void {
  let lines: string[] = [];
  for (const line of eventLines(count, seed)) {
    lines.push(line);
    if (lines.length === 10_000) {
      write(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) write(`${lines.join('\n')}\n`);
}
