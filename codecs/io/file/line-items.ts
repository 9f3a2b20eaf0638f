import { StringDecoder } from 'node:string_decoder';
import type { FileItem } from './file-item.ts';

/**
 * Splits byte chunks into lines (`\n` or `\r\n`, UTF-8 split anywhere) and turns each non-blank
 * line into an item: the line itself (`lines`) or its JSON value (`ndjson`; a line that is not
 * JSON is an item with the parser's reason). Blank lines are skipped but counted. A last line
 * without a newline is kept until `end` (or `cut`, when a followed file is rotated).
 */
export class LineItems {
  readonly #json: boolean;
  #decoder = new StringDecoder('utf8');
  #rest = '';
  #line = 0;

  constructor(format: 'lines' | 'ndjson') {
    this.#json = format === 'ndjson';
  }

  /** The number of lines read so far (blank ones included). */
  get lines(): number {
    return this.#line;
  }

  /** The items of the complete lines in `chunk` (with what was left from the one before). */
  push(chunk: Buffer): FileItem[] {
    const text = this.#rest + this.#decoder.write(chunk);
    const items: FileItem[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.#item(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end), items);
      start = end + 1;
    }
    this.#rest = start === 0 ? text : text.slice(start);
    return items;
  }

  /** The item of a last line without a newline, if any (the file ended, or was rotated away). */
  end(): FileItem[] {
    const text = this.#rest + this.#decoder.end();
    this.#rest = '';
    this.#decoder = new StringDecoder('utf8');
    const items: FileItem[] = [];
    if (text.length > 0) this.#item(text.endsWith('\r') ? text.slice(0, -1) : text, items);
    return items;
  }

  #item(text: string, items: FileItem[]): void {
    const line = ++this.#line;
    if (text.trim().length === 0) return;
    if (!this.#json) {
      items.push({ line, value: text });
      return;
    }
    try {
      items.push({ line, value: JSON.parse(text) as unknown });
    } catch (thrown) {
      items.push({ line, reason: thrown instanceof Error ? thrown.message : String(thrown), text });
    }
  }
}
