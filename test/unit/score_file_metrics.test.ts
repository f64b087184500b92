// `mlens metrics` on real .npy/.json files, including broken input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/main/core/io/npy.js';
import { parseKs, evaluateScoreFile } from '../../src/main/core/metrics/score_file_metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'mlens-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | object): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

// 3 queries × 4 gallery items
const scores = join(dir, 'scores.npy');
writeNpy(
  scores,
  Float32Array.from([
    [0.9, 0.1, 0.5, 0.5],
    [0.2, 0.8, 0.8, 0.1],
    [0.3, 0.3, 0.3, 0.3],
  ].flat()),
  [3, 4],
);

describe('evaluateScoreFile', () => {
  it('computes the metrics from files; absent queries count as empty', async () => {
    const positives = file('pos.json', { '0': [2], '1': [2, 0] });
    const out = await evaluateScoreFile({ scores, positives, ks: [1, 2] });
    // q0: positive 2 ties with item 3 at ranks 2–3 → R@1 0, R@2 1/2, RP (R = 1) 0, mAP@R 0
    // q1: positives {2, 0}: 2 ties with item 1 at ranks 1–2, 0 at rank 3 → R@1 1/2, R@2 1, RP 1/2
    expect(out.queries).toEqual({ evaluated: 2, skipped_empty: 1 });
    expect(out.recall_at['1']).toBeCloseTo((0 + 0.5) / 2, 12);
    expect(out.recall_at['2']).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(out.r_precision).toBeCloseTo((0 + 0.5) / 2, 12);
    // q1 mAP@R: E[rel1·C1]/1 + E[rel2·C2]/2 = 1/2 + (1/2)/2 → /R = 3/8
    expect(out.map_at_r).toBeCloseTo((0 + 3 / 8) / 2, 12);
    expect(out.pmrp).toBeNull();
    expect(Object.keys(out).sort()).toEqual(['map_at_r', 'pmrp', 'queries', 'r_precision', 'recall_at']);
  });

  it('honours --ties and averages PMRP over several --pm files', async () => {
    const positives = file('pos2.json', { '0': [2], '1': [2, 0] });
    const stable = await evaluateScoreFile({ scores, positives, ks: [1], ties: 'stable' });
    expect(stable.recall_at['1']).toBe(0); // q1: item 1 precedes item 2 by index
    const pm1 = file('pm1.json', { '0': [0], '2': [1] }); // q0: 1, q2 (all tied, R = 1): 1/4
    const pm2 = file('pm2.json', { '0': [1, 3] }); // q0: top 2 = {0, 2 or 3}: E[hits] = 1/2 → 1/4
    const out = await evaluateScoreFile({ scores, positives, pm: [pm1, pm2] });
    expect(out.pmrp).toBeCloseTo(((1 + 0.25) / 2 + 0.25) / 2, 12);
    const cut = await evaluateScoreFile({ scores, positives, pm: [pm2], pmK: 1 });
    expect(cut.pmrp).toBe(0); // top-1 list = {0}: denominator min(R, K) = 1
  });

  it('names the file, key and row for broken input', async () => {
    const good = file('ok.json', { '0': [1] });
    await expect(evaluateScoreFile({ scores, positives: file('bad.json', '{"0": [1,') })).rejects.toThrow(/bad\.json: malformed JSON/);
    await expect(evaluateScoreFile({ scores, positives: file('key.json', { '3': [1] }) })).rejects.toThrow(/key\.json: key "3" is not a query index in 0\.\.2/);
    await expect(evaluateScoreFile({ scores, positives: file('key2.json', { q0: [1] }) })).rejects.toThrow(/key "q0"/);
    await expect(evaluateScoreFile({ scores, positives: file('gal.json', { '1': [0, 4] }) })).rejects.toThrow(/gal\.json: key "1": gallery index 4 is out of range 0\.\.3/);
    await expect(evaluateScoreFile({ scores, positives: file('arr.json', { '1': 2 }) })).rejects.toThrow(/key "1": expected an array/);
    await expect(evaluateScoreFile({ scores, positives: good, pm: [file('pmbad.json', '[')] })).rejects.toThrow(/pmbad\.json: malformed JSON/);
    await expect(evaluateScoreFile({ scores, positives: join(dir, 'missing.json') })).rejects.toThrow(/missing\.json: cannot read/);

    const nan = join(dir, 'nan.npy');
    writeNpy(nan, Float32Array.from([0.1, 0.2, 0.3, NaN]), [2, 2]);
    await expect(evaluateScoreFile({ scores: nan, positives: good })).rejects.toThrow(/nan\.npy: row 1 contains NaN/);
    const flat = join(dir, 'flat.npy');
    writeNpy(flat, Float32Array.from([0.1, 0.2]), [2]);
    await expect(evaluateScoreFile({ scores: flat, positives: good })).rejects.toThrow(/flat\.npy: expected a 2-D .*shape \(2\)/);
    const cube = join(dir, 'cube.npy');
    writeNpy(cube, new Float32Array(8), [2, 2, 2]);
    await expect(evaluateScoreFile({ scores: cube, positives: good })).rejects.toThrow(/cube\.npy: expected a 2-D/);
    await expect(evaluateScoreFile({ scores: file('junk.npy', 'hello'), positives: good })).rejects.toThrow(/junk\.npy/);
    await expect(evaluateScoreFile({ scores, positives: good, ties: 'random' as never })).rejects.toThrow(/--ties/);
  });
});

describe('parseKs', () => {
  it('parses comma lists and rejects the rest', () => {
    expect(parseKs('1,5,10')).toEqual([1, 5, 10]);
    expect(parseKs(' 50 ')).toEqual([50]);
    for (const bad of ['', '0', '1,,5', '1.5', '-1', 'a']) expect(() => parseKs(bad)).toThrow(/--ks/);
  });
});
