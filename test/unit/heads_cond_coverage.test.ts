// The conditional head on a vocabulary the lexicon barely covers (the digits world: real MNIST
// digits, captions with counts, relations and "larger than five", no colour or size words): an aspect that
// tags no caption is left out and said so, and the result does not open on it. On the sample, whose
// captions carry their own aspects (atoms), the coverage is reported too, with the warning below the
// threshold worded for that source.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { Project } from '../../src/main/core/project/project.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { trainProject } from '../../src/main/core/heads/train_project.js';
import { formatTrainResult } from '../../src/main/cli/train_verb.js';
import { tempDir } from '../helpers/tmp.js';
import { LOW_COVERAGE } from '../../src/main/core/heads/aspect_lexicon.js';

const tmp = tempDir('mlens-cond-coverage-');
afterAll(() => tmp.cleanup());

/** The folder encoded by a small built-in encoder (in this process), and its project opened. */
async function encodeSmall(dir: string, dataDir: string) {
  const ds = await Project.readDataset(dir);
  const enc = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:dims=16,hidden=32,steps=20', projectDir: projectDir(ds.root, dataDir), inProcess: true });
  return { ds, enc, project: await Project.open(dir, { dataDir }) };
}

describe('conditional head, aspects with no caption', () => {
  it('leaves out an aspect that tags no caption, says so, and opens on one that has captions', async () => {
    const dir = join(tmp.dir, 'digits');
    await generateDigits({ out: dir, images: 100, seed: 3 });
    const { enc, project } = await encodeSmall(dir, join(tmp.dir, 'data'));
    try {
      const r = await trainProject(project, { space: enc.record.id, head: 'cond', epochs: 1, inProcess: true, control: false });
      const cov = r.conditionCoverage!;
      expect(cov.share.colour).toBe(0);
      // "a digit larger than five" compares values: no size either.
      expect(cov.share.size).toBe(0);
      // "a 1 left of a 3" is a relation, not a position in the picture: no position either.
      expect(cov.share.position).toBe(0);
      expect(cov.share.relation).toBeGreaterThan(0);
      expect(cov.warnings).toContain('left out, no caption tagged: colour, size, position (no condition space is trained for them)');
      const trained = r.conditions!.map((c) => c.condition);
      expect(trained).not.toContain('colour');
      expect(trained).not.toContain('size');
      expect(trained).not.toContain('position');
      expect(trained).toContain('count');
      expect(r.condition).toBe(trained[0]);
      expect(formatTrainResult(r).join('\n')).toMatch(/warning: left out, no caption tagged: colour/);
      // Asking for it by name says which aspects there are.
      await expect(trainProject(project, { space: enc.record.id, head: 'cond', condition: 'colour', epochs: 1, inProcess: true, control: false })).rejects.toThrow(/--condition colour is not one of count/);
    } finally {
      project.close();
    }
  }, 120_000);

  it("reports the coverage of the sample's own aspects, with the low-coverage warning, in the result and the CLI", async () => {
    const dir = join(tmp.dir, 'sample');
    await generateSample({ out: dir, images: 100, preset: 'A', seed: 7 });
    const { ds, enc, project } = await encodeSmall(dir, join(tmp.dir, 'data-sample'));
    try {
      const r = await trainProject(project, { space: enc.record.id, head: 'cond', epochs: 1, inProcess: true, control: false });
      const cov = r.conditionCoverage!;
      expect(cov.source).toBe("the sample's caption atoms");
      const about = (a: string): number => ds.captions.filter((c) => (c.extra?.aspects as string[]).includes(a)).length / ds.captions.length;
      expect(cov.share.colour).toBeCloseTo(about('colour'), 9);
      expect(cov.share.count).toBeCloseTo(about('count'), 9);
      expect(cov.share.count).toBeGreaterThan(0);
      expect(cov.share.count).toBeLessThan(LOW_COVERAGE);
      const warning = cov.warnings.find((w) => w.startsWith('aspect "count"'));
      expect(warning).toMatch(/from the sample's caption atoms\): too few to train or judge that condition; generate more images/);
      expect(cov.warnings.some((w) => w.startsWith('aspect "colour"'))).toBe(false);
      const text = formatTrainResult(r).join('\n');
      expect(text).toMatch(/aspects from the sample's caption atoms: colour \d+\.\d %, shape .*count \d\.\d %/);
      expect(text).toMatch(/warning: aspect "count" tags \d\.\d % of the captions/);
    } finally {
      project.close();
    }
  }, 120_000);
});
