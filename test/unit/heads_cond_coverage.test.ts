// The conditional head on a vocabulary the lexicon barely covers (the digits world: real MNIST
// digits, captions with counts, relations and "larger than five", no colour or size words): an aspect that
// tags no caption is left out and said so, and the result does not open on it.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { Project } from '../../src/main/core/project/project.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { trainProject } from '../../src/main/core/heads/train_project.js';
import { formatTrainResult } from '../../src/main/cli/train_verb.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-cond-coverage-');
afterAll(() => tmp.cleanup());

describe('conditional head, aspects with no caption', () => {
  it('leaves out an aspect that tags no caption, says so, and opens on one that has captions', async () => {
    const dir = join(tmp.dir, 'digits');
    await generateDigits({ out: dir, images: 100, seed: 3 });
    const dataDir = join(tmp.dir, 'data');
    const ds = await Project.readDataset(dir);
    const enc = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:dims=16,hidden=32,steps=20', projectDir: projectDir(ds.root, dataDir), inProcess: true });
    const project = await Project.open(dir, { dataDir });
    try {
      const r = await trainProject(project, { space: enc.record.id, head: 'cond', epochs: 1, inProcess: true, control: false });
      const cov = r.conditionCoverage!;
      expect(cov.share.colour).toBe(0);
      // "a digit larger than five" compares values: no size either.
      expect(cov.share.size).toBe(0);
      expect(cov.warnings).toContain('left out, no caption tagged: colour, size (no condition space is trained for them)');
      const trained = r.conditions!.map((c) => c.condition);
      expect(trained).not.toContain('colour');
      expect(trained).not.toContain('size');
      expect(trained).toContain('count');
      expect(r.condition).toBe(trained[0]);
      expect(formatTrainResult(r).join('\n')).toMatch(/warning: left out, no caption tagged: colour/);
      // Asking for it by name says which aspects there are.
      await expect(trainProject(project, { space: enc.record.id, head: 'cond', condition: 'colour', epochs: 1, inProcess: true, control: false })).rejects.toThrow(/--condition colour is not one of count/);
    } finally {
      project.close();
    }
  }, 120_000);
});
