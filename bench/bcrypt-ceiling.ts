import * as bcrypt from 'bcrypt';
import { performance } from 'node:perf_hooks';
import { median } from './load';

/**
 * The time of one bcrypt comparison at `cost`, in milliseconds, with `atOnce` of them running
 * together (one per core): on a quiet machine that is the time of a lone comparison, and on a
 * busy one it already counts what the other processes take. Repeated for about `forMs`.
 */
export async function compareMs(cost: number, atOnce: number, forMs: number): Promise<number> {
  const hash = await bcrypt.hash('bcrypt ceiling', cost);
  const times: number[] = [];
  const deadline = performance.now() + forMs;
  while (times.length < 3 || performance.now() < deadline) {
    const started = performance.now();
    await Promise.all(Array.from({ length: atOnce }, () => bcrypt.compare('bcrypt ceiling', hash)));
    times.push(performance.now() - started);
  }
  return median(times);
}
