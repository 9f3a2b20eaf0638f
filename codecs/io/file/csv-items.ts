import { parse, type CsvError } from 'csv-parse';
import type { FileChunk } from './file-chunks.ts';
import type { FileItem } from './file-item.ts';

interface CsvRecord {
  readonly info: { readonly lines: number };
  readonly record: Record<string, string>;
}

/**
 * The records of CSV chunks (csv-parse): the first row names the columns, each next row is an
 * object of strings, in arrays of what one chunk gave. A row that cannot be read (a column
 * count that differs from the header, a broken quote) is an item with csv-parse's reason and
 * the line it ends on. Quoted fields may span lines; a UTF-8 BOM is dropped; blank lines are skipped.
 * Backpressure is the parser stream's own: chunks are written only as fast as records are taken.
 */
export async function* csvItems(chunks: AsyncIterable<FileChunk>, delimiter: string): AsyncGenerator<FileItem[]> {
  let skipped: FileItem[] = [];
  const parser = parse({
    columns: true, info: true, bom: true, delimiter, skip_empty_lines: true, skip_records_with_error: true,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      const line = typeof (error as { lines?: unknown } | undefined)?.lines === 'number' ? (error as unknown as { lines: number }).lines : 0;
      skipped.push({ line, reason: error?.message ?? 'the row cannot be read', text: raw ?? '' });
      return undefined;
    },
  });
  const feeding = feed(chunks, parser);
  // Its failure also destroys the parser, which is how the loop below sees it.
  feeding.catch(() => undefined);
  try {
    for await (const entry of parser as AsyncIterable<CsvRecord>) {
      const items: FileItem[] = skipped.length === 0 ? [] : skipped;
      skipped = [];
      items.push({ line: entry.info.lines, value: entry.record });
      yield items;
    }
    await feeding;
    if (skipped.length > 0) yield skipped;
  } finally {
    parser.destroy();
    await feeding.catch(() => undefined);
  }
}

/** Writes the chunks into the parser, waiting for `drain` when it is full; ends it at the last chunk. */
async function feed(chunks: AsyncIterable<FileChunk>, parser: ReturnType<typeof parse>): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (chunk === 'rotated') continue;
      if (parser.destroyed) return;
      if (!parser.write(chunk)) await new Promise<void>((resolve) => {
        const done = (): void => {
          parser.off('drain', done);
          parser.off('close', done);
          resolve();
        };
        parser.on('drain', done);
        parser.on('close', done);
      });
    }
    parser.end();
  } catch (thrown) {
    parser.destroy(thrown instanceof Error ? thrown : new Error(String(thrown)));
    throw thrown;
  }
}
