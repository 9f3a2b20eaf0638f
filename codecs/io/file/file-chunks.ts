import { open, stat, type FileHandle } from 'node:fs/promises';
import { abortableDelay } from '../../_shared/abortable-delay.ts';

/** How a file is read: once to its end, or followed like `tail -F`. */
export interface FileChunksOptions {
  readonly path: string;
  readonly follow: boolean;
  /** Start at the end of the file as it is when reading starts (follow only). */
  readonly fromEnd: boolean;
  /** How often a followed file is checked for growth, truncation and rotation. */
  readonly pollMs: number;
  readonly signal: AbortSignal;
  /** Told when a followed file was truncated or replaced (the reader starts again at its beginning). */
  readonly onReset?: (why: 'truncated' | 'rotated') => void;
}

/** What `fileChunks` yields: bytes, or a mark that the followed file was replaced (its last line ends here). */
export type FileChunk = Buffer | 'rotated';

const CHUNK = 64 * 1024;

/**
 * The bytes of a file in chunks of up to 64 KiB. Without `follow` it ends at the end of the
 * file. With `follow` it waits for the file to appear, then polls it at its end: growth is
 * read, a truncation restarts at offset 0, and a new file under the same name (rotation: a
 * different inode) is opened from its beginning, as `tail -F` does. Stops when `signal` aborts.
 * A missing or unreadable file rejects (without follow) with the system error.
 */
export async function* fileChunks(options: FileChunksOptions): AsyncGenerator<FileChunk> {
  const { path, follow, pollMs, signal } = options;
  let handle: FileHandle | undefined = await openFile(options);
  if (handle === undefined) return;
  try {
    const first = await handle.stat();
    let inode = first.ino;
    let position = options.fromEnd ? first.size : 0;
    while (!signal.aborted) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield bytesRead === CHUNK ? buffer : buffer.subarray(0, bytesRead);
        continue;
      }
      if (!follow || !(await abortableDelay(pollMs, signal))) return;
      const named = await stat(path).catch(() => undefined);
      if (named === undefined) continue;
      if (named.ino !== inode) {
        // Rotated: the old file was read to its end; the new one is read from its start.
        await handle.close();
        handle = undefined;
        handle = await open(path, 'r');
        inode = (await handle.stat()).ino;
        position = 0;
        options.onReset?.('rotated');
        yield 'rotated';
      } else if (named.size < position) {
        position = 0;
        options.onReset?.('truncated');
      }
    }
  } finally {
    await handle?.close();
  }
}

/** Opens the file; with follow, waits (polling) until it exists. Undefined when aborted first. */
async function openFile(options: FileChunksOptions): Promise<FileHandle | undefined> {
  for (;;) {
    try {
      return await open(options.path, 'r');
    } catch (thrown) {
      if (!options.follow || (thrown as NodeJS.ErrnoException).code !== 'ENOENT') throw thrown;
      if (!(await abortableDelay(options.pollMs, options.signal))) return undefined;
    }
  }
}
