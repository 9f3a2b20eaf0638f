import { WeftError } from '../../../src/index.ts';
import type { FileFormat } from './file-item.ts';

/** The line of one value: NDJSON (an error as its JSON form), the value itself or its JSON (lines), or a CSV row of `columns`. */
export function recordText(value: unknown, format: FileFormat, columns: readonly string[], delimiter: string): string {
  if (format === 'csv') return csvRow(value, columns, delimiter);
  if (format === 'lines' && typeof value === 'string') return `${value}\n`;
  if (value instanceof Error) return `${JSON.stringify(value instanceof WeftError ? value.toJSON() : { message: value.message })}\n`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => (item instanceof Uint8Array ? Buffer.from(item).toString('base64') : item));
  } catch (thrown) {
    throw new WeftError('ERR_FILE_PAYLOAD_INVALID', { format, reason: thrown instanceof Error ? thrown.message : String(thrown) });
  }
  return `${text ?? 'null'}\n`;
}

/** The CSV header row of `columns`. */
export function csvHeader(columns: readonly string[], delimiter: string): string {
  return `${columns.map((column) => csvField(column, delimiter)).join(delimiter)}\n`;
}

function csvRow(value: unknown, columns: readonly string[], delimiter: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Error) {
    throw new WeftError('ERR_FILE_PAYLOAD_INVALID', { format: 'csv', reason: 'a CSV row is an object (its keys are the columns)' });
  }
  const record = value as Record<string, unknown>;
  return `${columns.map((column) => csvField(record[column], delimiter)).join(delimiter)}\n`;
}

/** One field, quoted (quotes doubled) when it holds the delimiter, a quote or a line break. */
function csvField(field: unknown, delimiter: string): string {
  const text = field === undefined || field === null ? '' : typeof field === 'object' ? JSON.stringify(field) : String(field);
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
