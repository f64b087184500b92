// Where sharp's native binary cannot load: a thumbnail request answers the original bytes, exactly
// as a request without `w`, and a TIFF is refused with a 415 as before.
import { describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

vi.mock('../../src/main/core/io/sharp_load.js', () => ({ loadSharp: async () => null }));

const { ImageConverter, parseThumbSize } = await import('../../src/main/core/io/thumbnail.js');
const { streamOpenFile } = await import('../../src/main/core/io/image_file.js');

describe('thumbnails without sharp', () => {
  it('serves the original 600×400 image for ?w=256, refuses TIFF with 415 and a bad size with 400', async () => {
    const tmp = tempDir('mlens-thumbs-nosharp-');
    try {
      const root = join(tmp.dir, 'ds');
      mkdirSync(join(root, 'images'), { recursive: true });
      const img = new PNG({ width: 600, height: 400 });
      img.data.fill(200);
      const png = PNG.sync.write(img);
      writeFileSync(join(root, 'images', 'a.png'), png);
      writeFileSync(join(root, 'images', 'b.tif'), Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0]), Buffer.alloc(100)]));
      const conv = new ImageConverter(join(tmp.dir, 'thumbnails'));
      const a = await conv.answer(root, 'images/a.png', parseThumbSize('256'));
      expect(a.kind).toBe('file');
      if (a.kind !== 'file') return;
      expect(a.file.type).toBe('image/png');
      const chunks: Buffer[] = [];
      for await (const c of streamOpenFile(a.file)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(png)).toBe(true);
      await expect(conv.answer(root, 'images/b.tif', null)).rejects.toMatchObject({ status: 415 });
      await expect(conv.answer(root, 'images/b.tif', 256)).rejects.toMatchObject({ status: 415 });
      expect(() => parseThumbSize('300')).toThrow(/w must be one of 128, 256, 512/);
    } finally {
      tmp.cleanup();
    }
  });
});
