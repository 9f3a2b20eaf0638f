/** What the loader did with one spec; observers use it for logs, metrics, tests and benchmarks. */
export type LoaderEvent =
  | { readonly type: 'loaded'; readonly id: string; readonly name?: string; readonly revision?: number; readonly state: string }
  | { readonly type: 'removed'; readonly id: string; readonly name?: string }
  | { readonly type: 'failed'; readonly id: string; readonly name?: string; readonly error: Error; readonly attempt: number; readonly retryInMs: number }
  | { readonly type: 'synced'; readonly count: number };
