import { versionOf } from './ping-versions.ts';

/** What a load run saw: request counts, failures with their reasons, and the versions served. */
export interface LoadReport {
  requests: number;
  failures: string[];
  /** Replies that named no known version. */
  strangers: string[];
  /** Times a connection saw an older version after a newer one. */
  regressions: number;
  highest: number;
}

/**
 * Keeps `connections` sequential request loops on `url` until `stop()` (or `maxMs`, a safety
 * bound), recording every failure and checking that each loop only ever sees versions go up.
 */
export function startLoad(url: string, options: { connections?: number; maxMs?: number } = {}): { stop: () => Promise<LoadReport> } {
  const report: LoadReport = { requests: 0, failures: [], strangers: [], regressions: 0, highest: 0 };
  const deadline = Date.now() + (options.maxMs ?? 120_000);
  let stopped = false;
  const loop = async (): Promise<void> => {
    let seen = 0;
    while (!stopped && Date.now() < deadline) {
      report.requests++;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        const body = await response.text();
        if (response.status !== 200) {
          report.failures.push(`${response.status} ${body.slice(0, 200)}`);
          continue;
        }
        const version = versionOf(body);
        if (version === undefined) {
          report.strangers.push(body.slice(0, 200));
          continue;
        }
        if (version < seen) report.regressions++;
        seen = Math.max(seen, version);
        report.highest = Math.max(report.highest, version);
      } catch (thrown) {
        report.failures.push(thrown instanceof Error ? `${thrown.name}: ${thrown.message} ${String((thrown as { cause?: unknown }).cause ?? '')}` : String(thrown));
      }
    }
  };
  const loops = Array.from({ length: options.connections ?? 4 }, loop);
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return report;
    },
  };
}
