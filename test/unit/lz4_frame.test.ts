// LZ4 frames (what pyarrow's default Feather compression writes) decoded in TypeScript: frames made by
// the reference `lz4` tool (test/fixtures/compressed/make.mjs) come back byte for byte; compressed
// Feather files open as datasets; ZSTD-compressed ones are refused with a message naming the file.
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { decodeLz4Frame, Lz4Error } from '../../src/main/core/io/lz4_frame.js';
import { cleanupTmp, tmpDir, writePng } from '../fixtures/datasets/make.js';
// @ts-expect-error: a plain ESM script without type declarations
import { captionTable, pattern } from '../fixtures/compressed/make.mjs';

const FIX = path.join(import.meta.dirname, '../fixtures/compressed');
const table = captionTable() as { image: string[]; caption: string[] };
afterAll(cleanupTmp);

describe('LZ4 frames', () => {
  it('linked and independent blocks, with and without content size and block checksums, decode to the input', () => {
    const input = pattern() as Buffer;
    for (const f of ['pattern-linked.lz4', 'pattern-independent.lz4']) {
      const out = decodeLz4Frame(readFileSync(path.join(FIX, f)));
      expect(out.length, f).toBe(input.length);
      expect(Buffer.compare(Buffer.from(out), input), f).toBe(0);
    }
  });

  it('a cut or corrupt frame fails with the byte position, not with wrong bytes', () => {
    const frame = readFileSync(path.join(FIX, 'pattern-independent.lz4'));
    expect(() => decodeLz4Frame(frame.subarray(0, frame.length - 100))).toThrow(/runs past the end|cut at byte/);
    expect(() => decodeLz4Frame(Buffer.from('not lz4 at all'))).toThrow(Lz4Error);
    expect(() => decodeLz4Frame(Buffer.from('not lz4 at all'))).toThrow(/not an LZ4 frame: magic 0x20746f6e at byte 0/);
  });
});

describe('compressed Feather files', () => {
  function folder(fixture: string): string {
    const root = tmpDir();
    for (let i = 0; i < 8; i++) writePng(root, `images/${i}.png`, i);
    copyFileSync(path.join(FIX, fixture), path.join(root, 'captions.feather'));
    return root;
  }

  it('an LZ4-compressed Feather file opens with every caption', async () => {
    const ds = await openDataset(folder('captions-lz4.feather'));
    expect(ds.format).toBe('arrow');
    expect(ds.captions.map((c) => c.text)).toEqual(table.caption);
    expect(ds.images.map((i) => i.path)).toEqual(table.image.slice(0, 8));
    expect(ds.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('a ZSTD-compressed one is refused, naming the file and how to write it instead', async () => {
    const err = await openDataset(folder('captions-zstd.feather')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/captions\.feather.*compressed with ZSTD, which this app cannot decode; write it with LZ4 or uncompressed/);
  });
});
