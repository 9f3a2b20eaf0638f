/**
 * The part of weft's Logger a store writes to (pino's calling convention: fields, then the
 * message). weft's Logger and pino satisfy it; the store folder may not import src/log.
 */
export interface StoreLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => {};

/** A StoreLogger that drops everything (the default). */
export const silentStoreLogger: StoreLogger = { debug: ignore, info: ignore, warn: ignore };
