// The sample's oracle is built from the truth, and so is everything made from it: the stored copy a
// head trains on and the head itself. All of them say so by name, none is the default active space
// once an encoder's space exists, and neither the app's nor the CLI's mining takes them unless asked.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { defaultMiningSpaceIds } from '../../src/shared/mining_spaces.js';

const tmp = tempDir('mlens-oracle-lineage-');
afterAll(() => tmp.cleanup());

describe('spaces built from the truth', () => {
  it('names the oracle, its copy and a head trained on it, and mines none of them by default', () => {
    const dir = join(tmp.dir, 'sample');
    expect(mlens(['sample', '--out', dir, '--images', '120', '--json']).code).toBe(0);
    const head = mlens(['train', dir, '--space', 'dataset', '--head', 'pcme', '--epochs', '1', '--json']);
    expect(head.code, head.stderr).toBe(0);
    const enc = mlens(['encode', dir, '--encoder', 'baseline', '--json']);
    expect(enc.code, enc.stderr).toBe(0);
    const baseline = enc.json().id as string;
    const listed = mlens(['spaces', dir, '--json']).json().spaces as Array<{ id: string; name: string; encoder: string; kind: string; from_truth: boolean }>;
    const truthBuilt = listed.filter((s) => s.from_truth);
    // the folder's oracle, the stored copy the head trained on, and the head
    expect(truthBuilt.map((s) => s.kind).sort()).toEqual(['folder', 'folder', 'head']);
    for (const s of truthBuilt) expect(s.name).toContain('oracle (built from truth)');
    expect(truthBuilt.find((s) => s.kind === 'head')!.name).toBe('pcme on oracle (built from truth)');
    expect(listed.find((s) => s.id === baseline)!.from_truth).toBe(false);
    expect(defaultMiningSpaceIds(listed.map((s) => ({ id: s.id, fromTruth: s.from_truth })))).toEqual([baseline]);
    // `mlens mine` without --spaces mines the encoder's space only; naming the oracle still works.
    const mined = mlens(['mine', dir, '--checks', '0', '--json']);
    expect(mined.code, mined.stderr).toBe(0);
    expect(mined.json().spaces).toEqual([baseline]);
    const asked = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '0', '--json']);
    expect(asked.json().spaces).toEqual(['dataset']);
    // Only spaces built from the truth: mining falls back to them rather than refusing.
    expect(defaultMiningSpaceIds(truthBuilt.map((s) => ({ id: s.id, fromTruth: true })))).toEqual(truthBuilt.map((s) => s.id));
    // A residual-variance head on the encoder's space keeps its means: not mined beside its parent by default.
    const residual = mlens(['train', dir, '--space', baseline, '--head', 'residual', '--json']);
    expect(residual.code, residual.stderr).toBe(0);
    const again = mlens(['mine', dir, '--checks', '0', '--json']);
    expect(again.json().spaces).toEqual([baseline]);
    const both = mlens(['mine', dir, '--spaces', `${baseline},${residual.json().id}`, '--checks', '0', '--json']);
    expect(both.json().spaces).toEqual([baseline, residual.json().id]);
  }, 300_000);

  it('leaves out a residual head only while its parent is mined', () => {
    const enc = { id: 'enc', fromTruth: false, encoder: 'baseline', parent: null };
    const res = { id: 'res', fromTruth: false, encoder: 'residual', parent: 'enc' };
    const pcme = { id: 'pcme', fromTruth: false, encoder: 'pcme', parent: 'enc' };
    expect(defaultMiningSpaceIds([enc, res, pcme])).toEqual(['enc', 'pcme']);
    // Its parent left out of the default (here marked as built from the truth): the residual head is mined.
    expect(defaultMiningSpaceIds([{ ...enc, fromTruth: true }, res])).toEqual(['res']);
    // A residual head whose parent is gone from the list is mined.
    expect(defaultMiningSpaceIds([res])).toEqual(['res']);
  });
});
