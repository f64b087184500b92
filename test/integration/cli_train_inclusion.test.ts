// `mlens train --head pcme --inclusion W` through the real CLI: ProLIP's inclusion loss on the PCME++
// head (heads/inclusion.ts). The run keeps its last epoch and says so beside the best epoch's
// validation mAP@R, names itself, and stores the weight in its provenance; the flag is refused for
// other heads and for a negative weight.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-cli-inclusion-');
afterAll(() => tmp.cleanup());
const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };

describe('mlens train --head pcme --inclusion', () => {
  it('trains with the inclusion loss, keeps the last epoch and reports both', () => {
    const dir = join(tmp.dir, 'sample');
    expect(mlens(['sample', '--out', dir, '--images', '100', '--seed', '4', '--json'], env).code).toBe(0);
    const enc = mlens(['encode', dir, '--encoder', 'baseline:dims=16,hidden=32,steps=20', '--json'], env);
    expect(enc.code, enc.stderr).toBe(0);
    const parent = enc.json().id as string;

    const r = mlens(['train', dir, '--space', parent, '--head', 'pcme', '--epochs', '3', '--inclusion', '0.3', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ parent, probabilistic: true });
    expect(out.name).toMatch(/^pcme \+ inclusion 0\.3 on /);
    expect(out.metrics.kept).toBe('last');
    expect(out.metrics.val.map_at_r).toBeCloseTo(out.metrics.last.map_at_r, 9);
    expect(out.run.params.config).toMatchObject({ inclusion_image: 0.3, inclusion_scale: 10 });

    const text = mlens(['train', dir, '--space', parent, '--head', 'pcme', '--epochs', '2', '--inclusion', '0.3'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/kept the last epoch; best validation mAP@R \d\.\d{4} at epoch \d/);

    const cond = mlens(['train', dir, '--space', parent, '--head', 'cond', '--inclusion', '0.3'], env);
    expect(cond.code).not.toBe(0);
    expect(cond.stderr).toMatch(/--inclusion applies to --head pcme only/);
    const neg = mlens(['train', dir, '--space', parent, '--head', 'pcme', '--inclusion', '-1'], env);
    expect(neg.code).not.toBe(0);
    expect(neg.stderr).toMatch(/--inclusion must be a number from 0 to 100/);
  }, 240_000);
});
