import { Deserializer } from 'node:v8';

/**
 * Cuts a byte stream into the frames encodeFrame writes and hands each frame's message list to
 * `onFrame`, in order. Chunks are kept in a list until a whole frame has arrived, so a large
 * frame split over many reads is joined once, not once per read.
 */
export class FrameDecoder {
  readonly #onFrame: (messages: unknown[]) => void;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Bytes the first kept frame needs (prefix included), once its prefix has arrived. */
  #need: number | undefined;

  constructor(onFrame: (messages: unknown[]) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#need === undefined) {
      if (this.#size < 4) return;
      this.#need = 4 + this.#prefix();
    }
    if (this.#size < this.#need) return;
    const buffer = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    this.#need = undefined;
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const end = offset + 4 + buffer.readUInt32LE(offset);
      if (end > buffer.length) break;
      this.#onFrame(decode(buffer.subarray(offset + 4, end)));
      offset = end;
    }
    if (offset < buffer.length) this.push(buffer.subarray(offset));
  }

  /** The length prefix of the first kept frame (its 4 bytes may span chunks). */
  #prefix(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readUInt32LE(0);
    return Buffer.concat(this.#chunks, this.#size).readUInt32LE(0);
  }
}

function decode(body: Buffer): unknown[] {
  const deserializer = new Deserializer(body);
  deserializer.readHeader();
  return deserializer.readValue() as unknown[];
}
