// A caption table whose columns cannot be told apart by name: opening fails with a typed error that
// lists the columns with their types, the candidates per role and a best guess, and names --columns
// for the CLI; the same table opens with a mapping.
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ColumnMappingError } from '../../src/main/core/datasets/column_guess.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { mlens } from '../helpers/cli.js';
import { writeAmbiguousTable } from '../helpers/column_tables.js';
import { cleanupTmp, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

async function openError(root: string, columns?: Record<string, string>): Promise<ColumnMappingError> {
  const err = await openDataset(root, { columns }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ColumnMappingError);
  return err as ColumnMappingError;
}

describe('column mapping of caption tables', () => {
  it('Parquet with pic/desc columns: the error lists columns, types, candidates and a guess', async () => {
    const root = tmpDir();
    writeAmbiguousTable(root);
    const err = await openError(root);
    expect(err.message).toContain('--columns image=');
    expect(err.message).toContain('no image column');
    expect(err.detail.kind).toBe('column-mapping');
    expect(err.detail.file).toBe('table.parquet');
    expect(err.detail.undecided).toEqual(['image', 'caption']);
    expect(err.detail.columns).toEqual([
      { name: 'pic', type: 'string' },
      { name: 'desc', type: 'string' },
      { name: 'note', type: 'string' },
      { name: 'part', type: 'string' },
      { name: 'score', type: 'double' },
    ]);
    // every string column could hold a path or a caption; a number column neither
    expect(err.detail.candidates.image[0]).toBe('pic');
    expect(err.detail.candidates.image).not.toContain('score');
    expect(err.detail.candidates.caption[0]).toBe('desc');
    expect(err.detail.candidates.split[0]).toBe('part');
    expect(err.detail.guess).toMatchObject({ image: 'pic', caption: 'desc' });
  });

  it('opens with the mapping; a mapped column that is not there is the same kind of error', async () => {
    const root = tmpDir();
    const { captions } = writeAmbiguousTable(root);
    const ds = await openDataset(root, { columns: { image: 'pic', caption: 'desc', split: 'part' } });
    expect(ds.captions.map((c) => c.text)).toEqual(captions);
    expect(ds.images.map((i) => i.split)).toEqual(['train', 'train', 'test', 'train', 'train', 'test']);
    expect(ds.images.every((i) => !i.missing)).toBe(true);
    const err = await openError(root, { image: 'photo', caption: 'desc' });
    expect(err.message).toContain('has no column "photo" (given for image)');
    expect(err.detail.undecided).toEqual(['image']);
    expect(err.detail.guess).toMatchObject({ image: 'pic', caption: 'desc' });
  });

  it('Arrow (Feather v2): the error carries Arrow types', async () => {
    const root = tmpDir();
    writePng(root, 'a.png', 1);
    const t = tableFromArrays({ file_ref: ['a.png'], words: ['a square'], weight: Float32Array.from([1]) });
    writeFile(root, 'table.arrow', Buffer.from(tableToIPC(t, 'file')));
    const err = await openError(root);
    expect(err.detail.columns).toEqual([
      { name: 'file_ref', type: 'string' },
      { name: 'words', type: 'string' },
      { name: 'weight', type: 'float32' },
    ]);
    expect(err.detail.guess).toMatchObject({ image: 'file_ref', caption: 'words' });
    const ds = await openDataset(root, { columns: { image: 'file_ref', caption: 'words' } });
    expect(ds.captions.map((c) => c.text)).toEqual(['a square']);
  });

  it('the CLI names --columns and the columns, and opens with them', () => {
    const root = tmpDir();
    writeAmbiguousTable(root);
    const bad = mlens(['open', root]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('dataset error');
    expect(bad.stderr).toContain('pic (string), desc (string)');
    expect(bad.stderr).toContain('--columns image=pic,caption=desc');
    const ok = mlens(['open', root, '--columns', 'image=pic,caption=desc', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).captions).toBe(6);
  });
  it('two columns that both name the image (or the caption): the error names both, and the mapping opens it', async () => {
    const root = tmpDir();
    writePng(root, 'images/a.png', 1);
    writePng(root, 'images/b.png', 2);
    const t = tableFromArrays({ image_path: ['images/a.png', 'images/b.png'], file_name: ['images/b.png', 'images/a.png'], url: ['http://x/a', 'http://x/b'], caption: ['a red square', 'a blue circle'] });
    writeFile(root, 'table.arrow', Buffer.from(tableToIPC(t, 'file')));
    const err = await openError(root);
    expect(err.message).toContain('2 columns could be the image: "image_path" and "file_name"; say which one');
    expect(err.detail.undecided).toEqual(['image']);
    expect(err.detail.candidates.image).toEqual(expect.arrayContaining(['image_path', 'file_name']));
    const ds = await openDataset(root, { columns: { image: 'file_name' } });
    expect(ds.images.map((i) => i.path)).toEqual(['images/b.png', 'images/a.png']);
    // a url beside one local path column is not a second candidate
    const one = tmpDir();
    writePng(one, 'images/a.png', 1);
    writeFile(one, 'table.arrow', Buffer.from(tableToIPC(tableFromArrays({ image_path: ['images/a.png'], url: ['http://x/a'], caption: ['a red square'] }), 'file')));
    expect((await openDataset(one)).captions).toHaveLength(1);
  });
});
