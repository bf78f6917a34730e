import autocannon from 'autocannon';

/** What one autocannon run measured. Latencies in milliseconds. */
export interface LoadResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
}

/** What every load sends: the app sits behind a TLS-terminating proxy, as in production. */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' };

export type LoadOptions = Omit<autocannon.Options, 'url'> & { url: string };

/**
 * One bounded autocannon run. Any answer other than 2xx, or any error, makes the figure
 * meaningless, so it stops the bench with the count of each.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    connections: 10,
    duration: 3,
    ...options,
    headers: { ...PROXY_HEADERS, ...options.headers },
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${options.url}: ${result.non2xx} answers were not 2xx and ${result.errors} requests failed ` +
        `(${result.timeouts} timeouts) out of ${result.requests.total}`,
    );
  }
  return {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  };
}

/**
 * Runs every measure once per round, one after the other, for `rounds` rounds: measures taken
 * side by side see the same machine, so a test suite starting elsewhere moves them all and
 * leaves their ratios alone.
 */
export async function inRounds<Measures extends Record<string, () => Promise<unknown>>>(
  rounds: number,
  measures: Measures,
): Promise<{ [Name in keyof Measures]: Awaited<ReturnType<Measures[Name]>>[] }> {
  const results: Record<string, unknown[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, measure] of Object.entries(measures)) {
      (results[name] ??= []).push(await measure());
    }
  }
  return results as { [Name in keyof Measures]: Awaited<ReturnType<Measures[Name]>>[] };
}

/** The median over rounds of `value(a) ÷ value(b)`, each pair measured in the same round. */
export function medianRatio<Result>(
  a: Result[],
  b: Result[],
  value: (result: Result) => number,
): number {
  return median(a.map((result, round) => value(result) / value(b[round])));
}

export function medianResult(results: LoadResult[]): LoadResult {
  return {
    reqPerSec: median(results.map((result) => result.reqPerSec)),
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    requests: results.reduce((sum, result) => sum + result.requests, 0),
  };
}

export function median(values: number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
