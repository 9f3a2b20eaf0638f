/** One record read from a file: its value, or why its line could not be read, with its line number (1-based). */
export type FileItem =
  | { readonly line: number; readonly value: unknown; readonly reason?: undefined }
  | { readonly line: number; readonly reason: string; readonly text: string };

/** The formats a file source reads and a file sink writes. */
export type FileFormat = 'lines' | 'ndjson' | 'csv';
