// A generic folder whose captions.jsonl gives a split on some lines only: the summary counts the
// captions and images without one, instead of letting them vanish from the split table.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { summarize } from '../../src/main/core/datasets/summary.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-nosplit-');
afterAll(() => tmp.cleanup());

describe('captions without a split', () => {
  it('are counted and reported in the summary', async () => {
    const dir = join(tmp.dir, 'ds');
    mkdirSync(join(dir, 'images'), { recursive: true });
    for (const f of ['a', 'b', 'c']) writeFileSync(join(dir, 'images', `${f}.png`), '');
    const lines = [
      { image: 'images/a.png', caption: 'a red circle', split: 'train' },
      { image: 'images/a.png', caption: 'a circle, red' },
      { image: 'images/b.png', caption: 'two squares', split: 'test' },
      { image: 'images/c.png', caption: 'a triangle' },
      { image: 'images/c.png', caption: 'one triangle' },
    ];
    writeFileSync(join(dir, 'captions.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const s = summarize(await openDataset(dir));
    expect(s.splits).toEqual({ train: { images: 1, captions: 1 }, test: { images: 1, captions: 1 } });
    expect(s.withoutSplit).toEqual({ images: 1, captions: 3 });
  });
});
