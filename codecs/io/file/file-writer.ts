import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { stdout } from 'node:process';

/** Options of a FileWriter. */
export interface FileWriterOptions {
  /** The file to append to, or `-` for the engine's standard output. */
  readonly path: string;
  /** Rotate once the file holds at least this many bytes: PATH → PATH.1 → PATH.2 … (undefined: never). */
  readonly rotateBytes?: number;
  /** How many rotated files are kept (PATH.1 … PATH.keep). */
  readonly keep: number;
  /** Text written at the top of each new (empty) file, e.g. a CSV header; computed on first use. */
  readonly header?: () => string | undefined;
}

/**
 * Appends text to a file with group commit: what every caller gives during one turn of the
 * event loop goes out in one write, and each caller's promise resolves once that write is done
 * (so a reply means the bytes reached the OS). One write at a time, in call order. With
 * `rotateBytes`, a file that reached the size is renamed to PATH.1 (older ones shift up, the
 * one past `keep` is removed) before the next write. `close` writes what is left, fsyncs and closes.
 */
export class FileWriter {
  readonly #options: FileWriterOptions;
  #handle: FileHandle | undefined;
  #size = 0;
  #chunks: string[] = [];
  #pending: Promise<void> | undefined;
  #tail: Promise<void> = Promise.resolve();
  #closed = false;
  /** Standard output gets the header once (it has no size to tell a new file by). */
  #stdoutHeader = false;

  constructor(options: FileWriterOptions) {
    this.#options = options;
  }

  /** Queues `text`; resolves once it is written, rejects with the system error when the write failed. */
  write(text: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the file sink is closed'));
    this.#chunks.push(text);
    if (this.#pending === undefined) {
      const pending = this.#tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.#flush());
      this.#pending = pending;
      this.#tail = pending.catch(() => undefined);
    }
    return this.#pending;
  }

  /** Writes what is queued, fsyncs and closes the file (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail.catch(() => undefined);
    if (this.#chunks.length > 0) await this.#flush().catch(() => undefined);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle === undefined) return;
    await handle.sync().catch(() => undefined);
    await handle.close();
  }

  async #flush(): Promise<void> {
    this.#pending = undefined;
    const data = this.#chunks.join('');
    this.#chunks = [];
    if (data.length === 0) return;
    if (this.#options.path === '-') {
      const header = this.#stdoutHeader ? '' : (this.#options.header?.() ?? '');
      this.#stdoutHeader = true;
      await new Promise<void>((resolve, reject) => stdout.write(header + data, (error) => (error ? reject(error) : resolve())));
      return;
    }
    const limit = this.#options.rotateBytes;
    if (limit !== undefined && this.#handle !== undefined && this.#size >= limit) await this.#rotate();
    const handle = await this.#open();
    const bytes = Buffer.from(this.#size === 0 ? (this.#options.header?.() ?? '') + data : data);
    await handle.write(bytes, 0, bytes.length);
    this.#size += bytes.length;
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle !== undefined) return this.#handle;
    const handle = await open(this.#options.path, 'a');
    this.#size = (await handle.stat()).size;
    this.#handle = handle;
    return handle;
  }

  /** PATH.keep-1 → PATH.keep … PATH → PATH.1, then a new PATH is opened by the next write. */
  async #rotate(): Promise<void> {
    const { path, keep } = this.#options;
    await this.#handle!.sync();
    await this.#handle!.close();
    this.#handle = undefined;
    this.#size = 0;
    await rm(`${path}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      if (await stat(`${path}.${n}`).then(() => true, () => false)) await rename(`${path}.${n}`, `${path}.${n + 1}`);
    }
    await rename(path, `${path}.1`);
  }
}
