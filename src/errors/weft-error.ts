import { catalogue, type ErrorCode } from './catalogue.ts';
import type { Category } from './category.ts';

/** Parameters that fill a catalogue message template. */
export type ErrorParams = Readonly<Record<string, string | number>>;

/** Options of a WeftError beyond its code and parameters. */
export interface WeftErrorOptions {
  readonly cause?: unknown;
  /** Machine-readable detail, e.g. the list of spec problems with their paths. */
  readonly details?: unknown;
}

/**
 * The one error class of weft: a stable `code` from the catalogue, its `category`, a message
 * made from the catalogue template, optional `details` and a `cause` chain. Error packets
 * carry these as their payload.
 */
export class WeftError extends Error {
  readonly code: ErrorCode;
  readonly category: Category;
  readonly params: ErrorParams;
  readonly details: unknown;

  constructor(code: ErrorCode, params: ErrorParams = {}, options: WeftErrorOptions = {}) {
    super(render(catalogue[code].message, params), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeftError';
    this.code = code;
    this.category = catalogue[code].category;
    this.params = params;
    this.details = options.details;
  }

  /** The message, as the seed's JavaScript snippets call it (`args.error()`). */
  error(): string {
    return this.message;
  }

  /** A plain JSON form: code, category, message, details and the causes' messages. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { code: this.code, category: this.category, message: this.message };
    if (this.details !== undefined) json.details = this.details;
    return json;
  }
}

function render(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}
