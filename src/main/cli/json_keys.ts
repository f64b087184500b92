// One key style in every JSON output of the CLI: snake_case, as `mlens metrics` has always
// written. Core results keep their TypeScript (camelCase) names; this converter runs once, at
// the printing edge, so no verb can forget it.

/** recallAt → recall_at, peakRssMiB → peak_rss_mib, nImages → n_images; snake_case stays as is. */
export function snakeCase(key: string): string {
  return key
    // A unit is one word: peakRssMiB is peak_rss_mib, not peak_rss_mi_b.
    .replace(/MiB/g, 'Mib')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** A deep copy with every object key in snake_case; typed arrays become plain arrays. */
export function snakeKeys(value: unknown): unknown {
  if (value == null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [snakeCase(String(k)), snakeKeys(v)]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[snakeCase(k)] = snakeKeys(v);
  return out;
}
