export { NodeSymbol, type IdentifiedSpec, type SymbolState } from './node-symbol.ts';
export { SymbolTable, type SymbolTableOptions, type TableChange, type TableResult } from './symbol-table.ts';
export { resolveLinks, type BindPort, type MissingReason, type ResolvedLinks, type SymbolLookup } from './resolve-links.ts';
export { Slicer } from './slicer.ts';
export type { LinkEnd, LinkObserver, LinkProbe, ObservedLink } from './link-observer.ts';
export { ProbedPort } from './probed-port.ts';
