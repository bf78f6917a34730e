/**
 * `compute`, remembering its results for up to `maxEntries` keys: when that many are kept, they
 * are all forgotten and it starts again, so memory stays bounded whatever keys arrive. For pure
 * functions that pages call often on the same few values (a User-Agent, a minute).
 */
export function memoize<Key, Value>(
  compute: (key: Key) => Value,
  maxEntries: number,
): (key: Key) => Value {
  const kept = new Map<Key, Value>();
  return (key) => {
    if (kept.has(key)) {
      return kept.get(key) as Value;
    }
    if (kept.size >= maxEntries) {
      kept.clear();
    }
    const value = compute(key);
    kept.set(key, value);
    return value;
  };
}
