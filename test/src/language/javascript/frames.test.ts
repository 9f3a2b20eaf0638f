import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../../src/language/javascript/encode-frame.ts';
import { FrameDecoder } from '../../../../src/language/javascript/frame-decoder.ts';

function collect(): { decoder: FrameDecoder; frames: unknown[][] } {
  const frames: unknown[][] = [];
  return { decoder: new FrameDecoder((messages) => frames.push(messages)), frames };
}

const refuseNothing = (): void => {
  throw new Error('nothing should be refused');
};

describe('sandbox frames', () => {
  const messages = [[2, 1, 7, { text: 'héllo', bytes: new Uint8Array([0, 1, 255]), big: 12n, list: [null, true, 1.5] }, false], [1, 7]];

  it('round-trips structured data, Uint8Array as Uint8Array', () => {
    const { decoder, frames } = collect();
    decoder.push(encodeFrame(messages, refuseNothing)!);
    expect(frames).toEqual([messages]);
    const bytes = (frames[0]![0] as unknown[])[3] as { bytes: Uint8Array };
    expect(Object.getPrototypeOf(bytes.bytes)).toBe(Uint8Array.prototype);
  });

  it('reassembles frames split at every byte and several frames in one chunk', () => {
    const one = encodeFrame(messages, refuseNothing)!;
    const two = encodeFrame([[3]], refuseNothing)!;
    const { decoder, frames } = collect();
    const stream = Buffer.concat([one, two, one]);
    for (let i = 0; i < stream.length; i++) decoder.push(stream.subarray(i, i + 1));
    expect(frames).toEqual([messages, [[3]], messages]);
    const together = collect();
    together.decoder.push(Buffer.concat([one, two, one.subarray(0, 5)]));
    together.decoder.push(one.subarray(5));
    expect(together.frames).toEqual([messages, [[3]], messages]);
  });

  it('leaves out a message that cannot be serialized and reports it, keeping the others', () => {
    const refused: unknown[] = [];
    const frame = encodeFrame([[2, 1, 1, 'fine', false], [2, 2, 1, { fn: () => 1 }, false], [2, 3, 1, 'also fine', false]], (message) => refused.push(message));
    const { decoder, frames } = collect();
    decoder.push(frame!);
    expect(frames).toEqual([[[2, 1, 1, 'fine', false], [2, 3, 1, 'also fine', false]]]);
    expect((refused[0] as unknown[])[1]).toBe(2);
    expect(encodeFrame([[{ fn: () => 1 }]], () => {})).toBeUndefined();
  });
});
