import { describe, expect, it } from 'vitest';
import { snakeCase, snakeKeys } from '../../src/main/cli/json_keys.js';

describe('snake_case JSON keys', () => {
  it('converts camelCase keys at every depth and leaves snake_case and data keys alone', () => {
    expect(snakeCase('peakRssMiB')).toBe('peak_rss_mib');
    expect(snakeCase('hasTruth')).toBe('has_truth');
    expect(snakeCase('recall_at')).toBe('recall_at');
    expect(snakeCase('nImages')).toBe('n_images');
    expect(snakeCase('10')).toBe('10');
    expect(
      snakeKeys({ annotatedPairs: 3, splits: { test: { images: 1 } }, problems: [{ lineNumber: 2 }], recall_at: { '1': 0.5 }, xy: Float32Array.of(1, 2), none: null }),
    ).toEqual({ annotated_pairs: 3, splits: { test: { images: 1 } }, problems: [{ line_number: 2 }], recall_at: { '1': 0.5 }, xy: [1, 2], none: null });
  });
});
