// `mlens train --head residual` through the real CLI: a sample encoded with the built-in encoder,
// the residual-variance head fitted on that space, its record in JSON, and the human summary that
// says closed form (no epochs). A bad head name is refused with the list of heads.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-cli-residual-');
afterAll(() => tmp.cleanup());
const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };

describe('mlens train --head residual', () => {
  it('fits the head on an encoded space and prints a probabilistic space in closed form', () => {
    const dir = join(tmp.dir, 'sample');
    expect(mlens(['sample', '--out', dir, '--images', '100', '--seed', '4', '--json'], env).code).toBe(0);
    const enc = mlens(['encode', dir, '--encoder', 'baseline:dims=16,hidden=32,steps=20', '--json'], env);
    expect(enc.code, enc.stderr).toBe(0);
    const parent = enc.json().id as string;

    const r = mlens(['train', dir, '--space', parent, '--head', 'residual', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ head: 'residual', parent, probabilistic: true, dims: 16, n_images: 100, n_captions: 500 });
    expect(out.residual.pairs).toBeGreaterThan(0);
    // Caption coverage: measured against the partners, and said whether it was mixed in.
    expect(out.residual.coverage).toMatchObject({ weight: 0.5, image_weight: 0.5, min_agreement: 0, image_check: 'caption' });
    expect(typeof out.residual.coverage.image_applied).toBe('boolean');
    expect(typeof out.residual.coverage.applied).toBe('boolean');
    expect(out.residual.coverage.words).toBeGreaterThan(5);

    const text = mlens(['train', dir, '--space', parent, '--head', 'residual'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/fitted in closed form/);
    expect(text.stdout).toMatch(/variance: the residual blended with effective partners \(τ 0.1; weight 0.75 for captions, 0.5 for images\)/);
    expect(text.stdout).toMatch(/Spearman\(caption Σσ², true multiplicity\)/);
    expect(text.stdout).toMatch(/captions: caption coverage (not used|\(images of the split)/);
    expect(text.stdout).toMatch(/images: coverage (not used|\(captions of the split)/);

    const bad = mlens(['train', dir, '--space', parent, '--head', 'residuals'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/residual/);
  }, 240_000);
});
