export { NodeSymbol, type IdentifiedSpec, type SymbolState } from './node-symbol.ts';
export { SymbolTable, type SymbolTableOptions } from './symbol-table.ts';
export { resolveLinks, type ResolvedLinks, type SymbolLookup } from './resolve-links.ts';
