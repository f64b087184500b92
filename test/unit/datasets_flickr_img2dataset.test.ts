// Flickr30k / Flickr8k caption files and img2dataset shard folders, opened as they are distributed,
// with a broken line or sample in each: the problem names the file (and line), the rest opens.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { summarize } from '../../src/main/core/datasets/summary.js';
import { cleanupTmp, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

describe('Flickr30k results.csv', () => {
  it('reads "image| n| caption" lines after the header, finds images under flickr30k_images/, names a broken line', async () => {
    const root = tmpDir();
    writePng(root, 'flickr30k_images/1000092795.jpg', 1);
    writePng(root, 'flickr30k_images/10002456.jpg', 2);
    writeFile(
      root,
      'results.csv',
      [
        'image_name| comment_number| comment',
        '1000092795.jpg| 0| Two young guys with shaggy hair look at their hands .',
        '1000092795.jpg| 1| Two young men hanging out in the yard .',
        '10002456.jpg| 0| Several men in hard hats are operating a giant pulley system .',
        '10002456.jpg 1 a line without separators',
        '10002456.jpg| 2| Workers look down from up above on a piece of equipment .',
        '',
      ].join('\r\n'),
    );
    const ds = await openDataset(root);
    expect(ds.format).toBe('flickr');
    expect(ds.images.map((i) => i.path)).toEqual(['flickr30k_images/1000092795.jpg', 'flickr30k_images/10002456.jpg']);
    expect(ds.images.every((i) => !i.missing)).toBe(true);
    expect(ds.captions.map((c) => c.imageIndex)).toEqual([0, 0, 1, 1]);
    expect(ds.captions[1]).toMatchObject({ id: '1000092795#1', text: 'Two young men hanging out in the yard .' });
    const bad = ds.problems.filter((p) => p.severity === 'error');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ file: 'results.csv', line: 5 });
    expect(bad[0].message).toMatch(/two "\|" separators/);
    expect(summarize(ds).captions).toBe(4);
  });
});

describe('Flickr8k token file', () => {
  it('reads IMAGE#N<TAB>caption, applies the split lists (dev = val), reports non-UTF-8 lines by number', async () => {
    const root = tmpDir();
    for (const [i, n] of ['a_1.jpg', 'b_2.jpg', 'c_3.jpg'].entries()) writePng(root, `Flicker8k_Dataset/${n}`, i);
    const lines = Buffer.concat([
      Buffer.from('a_1.jpg#0\tA child in a pink dress .\na_1.jpg#1\tA girl going into a wooden building .\nb_2.jpg#0\tA black dog and a spotted dog are fighting\n'),
      Buffer.from([0x63, 0x5f, 0x33, 0x2e, 0x6a, 0x70, 0x67, 0x23, 0x30, 0x09, 0xff, 0xfe, 0x0a]), // c_3.jpg#0<TAB><bad bytes>
      Buffer.from('c_3.jpg#1\tA man on a bench .\nmissing.jpg#0\tA picture whose file is gone .\n'),
    ]);
    writeFile(root, 'Flickr8k.token.txt', lines);
    writeFile(root, 'Flickr_8k.trainImages.txt', 'a_1.jpg\n');
    writeFile(root, 'Flickr_8k.devImages.txt', 'b_2.jpg\n');
    writeFile(root, 'Flickr_8k.testImages.txt', 'c_3.jpg\n');
    const ds = await openDataset(root);
    expect(ds.format).toBe('flickr');
    expect(ds.captions).toHaveLength(5);
    expect(ds.images.map((i) => i.split)).toEqual(['train', 'val', 'test', null]);
    expect(ds.images[3]).toMatchObject({ path: 'Flicker8k_Dataset/missing.jpg', missing: true });
    const utf = ds.problems.find((p) => /UTF-8/.test(p.message));
    expect(utf).toMatchObject({ file: 'Flickr8k.token.txt', line: 4, severity: 'error' });
    // Record ordinals count the skipped line, so truth / text.npy rows still line up.
    expect(ds.captions.map((c) => c.text)).toContain('A man on a bench .');
  });
});

describe('img2dataset shard folders', () => {
  it('reads KEY.jpg + KEY.txt in shard and key order; a caption without image and an image without caption are named', async () => {
    const root = tmpDir();
    const sample = (shard: string, key: string, caption: string | null, image = true): void => {
      mkdirSync(path.join(root, shard), { recursive: true });
      if (image) writePng(root, `${shard}/${key}.jpg`, Number(key) % 7);
      if (caption !== null) writeFile(root, `${shard}/${key}.txt`, caption);
      writeFile(root, `${shard}/${key}.json`, JSON.stringify({ key, status: 'success', caption }));
    };
    sample('00001', '000010001', 'a cat on a mat');
    sample('00000', '000000001', 'a dog on grass');
    sample('00000', '000000000', 'a red car');
    sample('00000', '000000002', 'no image here', false);
    sample('00001', '000010000', null);
    writeFile(root, '00000_stats.json', '{}');
    const ds = await openDataset(root);
    expect(ds.format).toBe('img2dataset');
    expect(ds.captions.map((c) => c.text)).toEqual(['a red car', 'a dog on grass', 'a cat on a mat']);
    expect(ds.images.map((i) => i.path)).toEqual(['00000/000000000.jpg', '00000/000000001.jpg', '00001/000010001.jpg']);
    const err = ds.problems.filter((p) => p.severity === 'error');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatchObject({ file: '00000/000000002.txt' });
    expect(ds.problems.some((p) => p.file === '00001/000010000.jpg' && /no 000010000\.txt/.test(p.message))).toBe(true);
  });

  it('a numbered folder of plain images is not mistaken for img2dataset output', async () => {
    const root = tmpDir();
    writePng(root, '00000/x.png', 1);
    await expect(openDataset(root)).rejects.toThrow(/no dataset found/);
  });
});
