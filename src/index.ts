/**
 * The public kernel API of weft: what node kinds, schemes, the CLI and embedders import.
 * Codecs use only this module, exactly as a third-party kind would.
 */
export * from './errors/index.ts';
export * from './packet/index.ts';
export * from './process/index.ts';
export * from './spec/index.ts';
export * from './port/index.ts';
export * from './node/index.ts';
export * from './log/index.ts';
export * from './language/index.ts';
export * from './scheme/index.ts';
export * from './store/index.ts';
export * from './symbol/index.ts';
export * from './loader/index.ts';
export * from './runtime/index.ts';
export * from './auth/index.ts';
export * from './topology/index.ts';
export * from './ops/index.ts';
