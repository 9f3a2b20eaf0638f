import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type Problem, type Reply } from '../../src/index.ts';
import type { FileFormat } from './file/file-item.ts';
import { FileWriter } from './file/file-writer.ts';
import { csvHeader, recordText } from './file/record-text.ts';

/** The kind name. */
export const kind = 'file-sink';

/** The file sink's own spec fields. */
export const schema = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 4096, description: 'The file to append to (created when missing; relative to the engine\'s working directory), or "-" for the engine\'s standard output.' }),
  format: Type.Optional(Type.Union([Type.Literal('ndjson'), Type.Literal('lines'), Type.Literal('csv')], { description: 'ndjson: one JSON value a line; lines: a string as it is, anything else as JSON; csv: an object a row (default ndjson).' })),
  columns: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000, description: 'CSV: the columns, in order (default: the keys of the first row written); the header is written at the top of each new file.' })),
  delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, description: 'The CSV field delimiter (default ",").' })),
  rotate: Type.Optional(Type.Object({
    size: Type.Integer({ minimum: 1024, description: 'Rotate once the file holds at least this many bytes.' }),
    keep: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'How many rotated files are kept, PATH.1 (newest) … PATH.keep (default 5).' })),
  }, { additionalProperties: false, description: 'Rename the file to PATH.1 (older ones to PATH.2 …) once it reaches size bytes.' })),
});

function validate(spec: { path: string; format?: string; columns?: string[]; delimiter?: string; rotate?: unknown }): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: string, message: string): void => void problems.push({ path, code: 'ERR_SPEC_INVALID', message });
  if (spec.format !== 'csv') {
    if (spec.columns !== undefined) problem('columns', 'applies to format: csv only');
    if (spec.delimiter !== undefined) problem('delimiter', 'applies to format: csv only');
  }
  if (spec.path === '-' && spec.rotate !== undefined) problem('rotate', 'standard output cannot be rotated');
  return problems;
}

/**
 * Appends each payload to a file: an array as one line per element (an empty array writes
 * nothing), anything else as one line. The reply is the packet itself once its lines were
 * written (group commit: one write per turn of the event loop), or ERR_FILE_WRITE. Closing
 * writes what is left, fsyncs and closes the file.
 */
export class FileSinkNode extends OneToOneNode {
  readonly #writer: FileWriter;

  constructor(writer: FileWriter, text: (value: unknown) => string, path: string) {
    super((_process, packet) => append(writer, text, path, packet));
    this.#writer = writer;
  }

  override async close(): Promise<void> {
    super.close();
    await this.#writer.close().catch(() => undefined);
  }
}

function append(writer: FileWriter, text: (value: unknown) => string, path: string, packet: Packet): Reply {
  const value = packet.payload;
  let data = '';
  if (Array.isArray(value)) for (const element of value) data += text(element);
  else data = text(value);
  if (data.length === 0) return packet;
  return writer.write(data).then(() => packet, (thrown: unknown) => new Packet(new WeftError('ERR_FILE_WRITE', { path, reason: thrown instanceof Error ? thrown.message : String(thrown) })));
}

/** `file-sink`: appends payloads to a file (NDJSON, lines or CSV), rotating by size. */
export const definition = defineKind({
  kind,
  description: 'Appends each payload (an array: one line per element) to a file or stdout as NDJSON, lines or CSV, rotating by size; replies the packet once written.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec) => {
    const format: FileFormat = spec.format ?? 'ndjson';
    const delimiter = spec.delimiter ?? ',';
    // CSV columns: given, or the keys of the first row (fixed from then on).
    let columns: readonly string[] | undefined = spec.columns;
    const text = (value: unknown): string => {
      if (format === 'csv' && columns === undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) columns = Object.keys(value);
      return recordText(value, format, columns ?? [], delimiter);
    };
    const writer = new FileWriter({
      path: spec.path,
      rotateBytes: spec.rotate?.size,
      keep: spec.rotate?.keep ?? 5,
      header: format === 'csv' ? () => (columns === undefined ? undefined : csvHeader(columns, delimiter)) : undefined,
    });
    return new FileSinkNode(writer, text, spec.path);
  },
});
