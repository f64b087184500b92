// WebDataset tar shards read in place: the tar index (ustar, GNU long names, pax paths), the
// virtual `NNNNN.tar#KEY.jpg` paths wherever images are read (open-time check, encoders' bytes, the
// file route), and damaged archives named with their byte offsets while the rest opens.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { makeResolver } from '../../src/main/core/datasets/paths.js';
import { readImageBytes } from '../../src/main/core/datasets/tar_member.js';
import { ImageHashIndex } from '../../src/main/core/encoders/feature_cache.js';
import { decodeAnyImage } from '../../src/main/core/encoders/image_decode_any.js';
import { FileServeError, openDatasetImage, streamOpenFile } from '../../src/main/core/io/image_file.js';
import { indexTarFile } from '../../src/main/core/io/tar_index.js';
import { cleanupTmp, pngBytes, tmpDir, writeFile } from '../fixtures/datasets/make.js';
import { headerOffset, tarBytes, type TarEntry } from '../helpers/tar.js';

afterAll(cleanupTmp);

function sample(key: string, seed: number, caption: string, form: TarEntry['nameForm'] = 'ustar'): TarEntry[] {
  return [
    { name: `${key}.png`, data: pngBytes(seed), nameForm: form },
    { name: `${key}.txt`, data: caption, nameForm: form },
    { name: `${key}.json`, data: JSON.stringify({ key, caption, status: 'success' }), nameForm: form },
  ];
}

async function streamed(f: ReturnType<typeof openDatasetImage>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of streamOpenFile(f)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('tar index', () => {
  it('finds members stored with ustar prefixes, GNU long names and pax paths; skips folders and links; refuses escaping names', () => {
    const root = tmpDir();
    const long = `${'deep/'.repeat(25)}img.png`; // 130 characters: ustar prefix + name
    const tar = tarBytes([
      { name: 'dir/', data: '', type: '5' },
      { name: 'a.txt', data: 'hello' },
      { name: long, data: pngBytes(1) },
      { name: `${'g'.repeat(120)}.txt`, data: 'gnu', nameForm: 'gnu' },
      { name: `${'p'.repeat(130)}.txt`, data: 'pax', nameForm: 'pax' },
      { name: 'link.png', data: '', type: '2' },
      { name: '../evil.png', data: pngBytes(2) },
      { name: 'after.txt', data: 'still read' },
    ]);
    const abs = writeFile(root, 'x.tar', tar);
    const idx = indexTarFile(abs);
    expect(idx.members.map((m) => m.name)).toEqual(['a.txt', long, `${'g'.repeat(120)}.txt`, `${'p'.repeat(130)}.txt`, 'after.txt']);
    const bytes = (name: string): Buffer => {
      const m = idx.byName.get(name)!;
      return tar.subarray(m.offset, m.offset + m.size);
    };
    expect(bytes(long).equals(pngBytes(1))).toBe(true);
    expect(bytes(`${'g'.repeat(120)}.txt`).toString()).toBe('gnu');
    expect(bytes(`${'p'.repeat(130)}.txt`).toString()).toBe('pax');
    expect(idx.faults).toEqual([{ offset: headerOffset(tar, '../evil.png'), member: '../evil.png', message: expect.stringMatching(/member "\.\.\/evil\.png" at byte \d+ leads outside/) }]);
  });

  it('reads a size in GNU base-256 form; a bad checksum stops the index at its byte offset', () => {
    const root = tmpDir();
    const tar = tarBytes([{ name: 'a.txt', data: 'twelve bytes' }, { name: 'b.txt', data: 'second' }, { name: 'c.txt', data: 'third' }]);
    // a.txt's size as base-256 (high bit set), checksum recomputed
    const h = tar.subarray(0, 512);
    h.fill(0, 124, 136);
    h[124] = 0x80;
    h[135] = 12;
    h.write('        ', 148, 'latin1');
    let sum = 0;
    for (const x of h) sum += x;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    // c.txt's header corrupted
    const c = headerOffset(tar, 'c.txt');
    tar[c + 10] ^= 0xff;
    const idx = indexTarFile(writeFile(root, 'y.tar', tar));
    expect(idx.members.map((m) => [m.name, m.size])).toEqual([
      ['a.txt', 12],
      ['b.txt', 6],
    ]);
    expect(idx.faults).toEqual([{ offset: c, message: `header at byte ${c} has a bad checksum (not a tar header, or corrupt); the rest of the archive is not read` }]);
  });
});

describe('WebDataset shards', () => {
  const build = (): { root: string; tar0: Buffer } => {
    const root = tmpDir();
    const tar0 = tarBytes([...sample('000000000', 1, 'a red square'), ...sample('000000001', 2, 'a blue circle', 'pax'), ...sample('000000002', 3, 'a green star', 'gnu')]);
    writeFile(root, '00000.tar', tar0);
    // shard 1 is cut short inside its second sample's image: the first sample still opens
    const tar1 = tarBytes([...sample('000010000', 4, 'a yellow moon'), ...sample('000010001', 5, 'never read')]);
    const cut = headerOffset(tar1, '000010001.png') + 512 + 20;
    writeFile(root, '00001.tar', tar1.subarray(0, cut));
    writeFile(root, '00000.parquet', 'not read by the reader, only hashed');
    return { root, tar0 };
  };

  it('opens NNNNN.tar shards in place; a truncated shard is named with the byte offset and the rest opens', async () => {
    const { root } = build();
    const ds = await openDataset(root);
    expect(ds.format).toBe('webdataset');
    expect(ds.captions.map((c) => c.text)).toEqual(['a red square', 'a blue circle', 'a green star', 'a yellow moon']);
    expect(ds.images.map((i) => i.path)).toEqual(['00000.tar#000000000.png', '00000.tar#000000001.png', '00000.tar#000000002.png', '00001.tar#000010000.png']);
    expect(ds.images.map((i) => i.id)).toEqual(['000000000', '000000001', '000000002', '000010000']);
    const tar1 = readFileSync(path.join(root, '00001.tar'));
    const at = tar1.length - 512 - 20;
    expect(ds.problems).toEqual([
      {
        severity: 'error',
        file: '00001.tar',
        message: `member "000010001.png" at byte ${at} runs past the end of the file (${pngBytes(5).length} bytes of data from byte ${at + 512}, file is ${tar1.length} bytes): truncated archive; the 3 members before it are read`,
      },
    ]);
    // nothing was unpacked: the folder holds only what was written
    expect(ds.images.every((i) => !i.missing)).toBe(true);
  });

  it('a tar image is read from its byte range by the encoders and by the file route; escaping members are refused', async () => {
    const { root } = build();
    const ds = await openDataset(root);
    const resolve = makeResolver(root);
    const bytes = await readImageBytes(resolve, ds.images[1].path);
    expect(bytes!.equals(pngBytes(2))).toBe(true);
    const decoded = await decodeAnyImage(bytes!, ds.images[1].path);
    expect(decoded.width).toBeGreaterThan(0);

    // the feature cache keys a tar image by its own bytes, as it does an image file
    const hashes = new ImageHashIndex(path.join(root, '.mlens', 'cache')).hashAll(ds);
    expect(hashes.hashes).toEqual([1, 2, 3, 4].map((seed) => createHash('sha256').update(pngBytes(seed)).digest('hex').slice(0, hashes.hashes[0]!.length)));

    const f = openDatasetImage(root, '00000.tar#000000002.png');
    expect(f.type).toBe('image/png');
    expect(f.size).toBe(pngBytes(3).length);
    expect((await streamed(f)).equals(pngBytes(3))).toBe(true);

    const refused = (rel: string): FileServeError => {
      try {
        openDatasetImage(root, rel);
      } catch (e) {
        return e as FileServeError;
      }
      throw new Error(`${rel} was served`);
    };
    expect(refused('00000.tar#../../etc/passwd')).toMatchObject({ status: 403, message: expect.stringMatching(/tar member that leads outside/) });
    expect(refused('00000.tar#/etc/passwd')).toMatchObject({ status: 403, message: expect.stringMatching(/is absolute/) });
    expect(refused('../00000.tar#000000000.png')).toMatchObject({ status: 403 });
    expect(refused('00000.tar#000000000.txt')).toMatchObject({ status: 415 });
    expect(refused('00000.tar#nope.png')).toMatchObject({ status: 404, message: expect.stringMatching(/no member "nope.png"/) });
    expect(refused('00001.tar#000010001.png')).toMatchObject({ status: 404, message: expect.stringMatching(/runs past the end of the file/) });
  });

  it('a sample without an image, a non-UTF-8 caption and a corrupt image member are named; the hash follows the captions', async () => {
    const root = tmpDir();
    const junk = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    writeFile(root, 'train/00000.tar', tarBytes([
      ...sample('k0', 1, 'fine'),
      { name: 'k1.txt', data: 'no image' },
      { name: 'k2.png', data: pngBytes(2) },
      { name: 'k2.txt', data: Buffer.from([0x66, 0xff, 0x66]) },
      { name: 'k3.png', data: junk },
      { name: 'k3.txt', data: 'broken picture' },
    ]));
    const ds = await openDataset(root);
    expect(ds.format).toBe('webdataset');
    expect(ds.captions.map((c) => c.text)).toEqual(['fine', 'broken picture']);
    expect(ds.images.map((i) => i.split)).toEqual(['train', 'train']);
    expect(ds.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      'train/00000.tar#k1.txt: no image member for key k1 (looked for .jpg, .jpeg, .png, .webp, .avif, .gif); sample skipped',
      expect.stringMatching(/^train\/00000\.tar#k2\.txt: caption is not valid UTF-8 \(member at byte \d+\); sample skipped$/),
      'train/00000.tar#k3.png: is a PNG without its IHDR header (truncated or corrupt); the image stays listed but cannot be shown or encoded',
    ]);
    const before = ds.hash;
    writeFile(root, 'train/00000.tar', tarBytes([...sample('k0', 1, 'changed')]));
    expect((await openDataset(root)).hash).not.toBe(before);
  });
});
