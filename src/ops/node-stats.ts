/** Upper bounds of the latency histogram buckets, in milliseconds (Prometheus `le`, in seconds, is these / 1000). */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

/** How many of a node's last errors are kept (for the console). */
export const RECENT_ERRORS = 10;

/** One error that originated at a node: when, its code and message, the root process. */
export interface RecentError {
  readonly at: string;
  readonly code?: string;
  readonly message: string;
  readonly process: string;
}

/**
 * The counters of one node (namespace, node name): plain numbers bumped by the link probes on
 * the hot path and read only when scraped. Packets in, latency, errors and in-flight count at
 * the node a hop delivers to; packets out at the node that wrote. Latency is the time from
 * delivery to reply, so it includes what the node waited for downstream; it is sampled (one hop
 * in 16 per link, see OpsObserver), the counts are exact.
 */
export class NodeStats {
  readonly namespace: string;
  readonly node: string;
  /** The kind of the node's latest spec. */
  kind: string;
  packetsIn = 0;
  packetsOut = 0;
  errors = 0;
  inFlight = 0;
  latencyCount = 0;
  latencySumMs = 0;
  latencyMaxMs = 0;
  /** The last errors that originated at the node, oldest first (at most RECENT_ERRORS). */
  readonly recentErrors: RecentError[] = [];
  /** Per bucket of LATENCY_BUCKETS_MS (and one past the last), the observations that fell in it (not cumulative). */
  readonly buckets = new Float64Array(LATENCY_BUCKETS_MS.length + 1);

  constructor(namespace: string, node: string, kind: string) {
    this.namespace = namespace;
    this.node = node;
    this.kind = kind;
  }

  /** Keeps an error that originated at the node among its recent ones (off the hot path: errors only). */
  recordError(error: Omit<RecentError, 'at'>): void {
    this.recentErrors.push({ at: new Date().toISOString(), ...error });
    if (this.recentErrors.length > RECENT_ERRORS) this.recentErrors.shift();
  }

  /** Records one reply `ms` after its delivery. */
  observe(ms: number): void {
    this.latencyCount++;
    this.latencySumMs += ms;
    if (ms > this.latencyMaxMs) this.latencyMaxMs = ms;
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.buckets[i]!++;
  }
}
