/** What weft refuses to parse as YAML, whatever reads it: spec files, stdin, the `yaml` language, the config file. */
export interface YamlLimits {
  /** UTF-8 bytes of the text. */
  readonly maxBytes: number;
  /** Maps and lists nested inside each other (the top-level collection is at 1). */
  readonly maxDepth: number;
  /** Nodes that the aliases of one document stand for in total (an alias counts as the nodes of what it names, its own aliases included). */
  readonly maxAliasNodes: number;
  /** The `yaml` library's own alias guard (its `maxAliasCount`), kept as a second line behind `maxAliasNodes`. */
  readonly maxAliasCount: number;
}

/**
 * The limits of YAML input (docs/cli.md, "Limits"): 8 MiB of text, 100 levels of nesting, and
 * aliases that stand for at most 100 000 nodes per document, so that alias bombs ("billion
 * laughs"), deep nesting and huge files are refused in bounded time and memory.
 */
export const YAML_LIMITS: YamlLimits = { maxBytes: 8 * 1_048_576, maxDepth: 100, maxAliasNodes: 100_000, maxAliasCount: 10_000 };
