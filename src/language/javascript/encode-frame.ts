import { Serializer } from 'node:v8';

/**
 * One frame: a 4-byte little-endian length, then the messages serialized with V8's value
 * serializer (the structured-clone format: nested data, Uint8Array, bigint, no functions).
 * The base `Serializer` handles typed arrays natively, faster than `v8.serialize`'s host-object
 * path, and they come back as Uint8Array rather than Buffer. A message that cannot be
 * serialized (a payload holding a function) is left out and handed to `refused`, so one bad
 * payload fails one call, not the batch it travels with.
 */
export function encodeFrame<M>(messages: readonly M[], refused: (message: M, error: unknown) => void): Buffer | undefined {
  try {
    return frame(messages);
  } catch {
    const sendable: M[] = [];
    for (const message of messages) {
      try {
        frame([message]);
        sendable.push(message);
      } catch (error) {
        refused(message, error);
      }
    }
    return sendable.length === 0 ? undefined : frame(sendable);
  }
}

function frame(messages: readonly unknown[]): Buffer {
  const serializer = new Serializer();
  serializer.writeHeader();
  serializer.writeValue(messages);
  const body = serializer.releaseBuffer();
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  return out;
}
