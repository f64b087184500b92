// Arrow IPC caption tables (Feather v2 files and Hugging Face save_to_disk folders in the streaming
// format), written with apache-arrow itself; column meaning and --columns as for Parquet.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Binary, Field, List, Struct, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { mlens } from '../helpers/cli.js';
import { cleanupTmp, pngBytes, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

const strings = (xs: Array<string | null>) => vectorFromArray(xs, new Utf8());
const stringLists = (xs: string[][]) => vectorFromArray(xs, new List(new Field('item', new Utf8(), true)));
const images = (xs: Array<{ bytes: Uint8Array | null; path: string | null } | null>) =>
  vectorFromArray(xs, new Struct([new Field('bytes', new Binary(), true), new Field('path', new Utf8(), true)]));

function hfSplit(root: string, dir: string, split: string, table: Table): void {
  writeFile(root, `${dir}/data-00000-of-00001.arrow`, Buffer.from(tableToIPC(table, 'stream')));
  writeFile(root, `${dir}/state.json`, JSON.stringify({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _fingerprint: 'f', _split: split }));
  writeFile(root, `${dir}/dataset_info.json`, JSON.stringify({ features: { image: { _type: 'Image' }, sentences: { feature: { dtype: 'string' }, _type: 'Sequence' } } }));
}

describe('Arrow tables', () => {
  it('Feather v2 file with image paths: --columns maps the columns, a bad row is named, the CLI reads it', async () => {
    const root = tmpDir();
    writePng(root, 'pics/a.png', 1);
    writePng(root, 'pics/b.png', 2);
    const t = new Table({ photo: strings(['pics/a.png', null, 'pics/b.png']), desc: strings(['first', 'second', 'third']) });
    writeFile(root, 'table.feather', Buffer.from(tableToIPC(t, 'file')));
    await expect(openDataset(root)).rejects.toThrow(/table\.feather: no image column: .*its columns are photo \(string\), desc \(string\)\. Say which with --columns image=photo,caption=desc/);
    const ds = await openDataset(root, { columns: { image: 'photo', caption: 'desc' } });
    expect(ds.format).toBe('arrow');
    expect(ds.captions.map((c) => c.text)).toEqual(['first', 'third']);
    expect(ds.images.map((i) => [i.path, i.missing])).toEqual([
      ['pics/a.png', false],
      ['pics/b.png', false],
    ]);
    expect(ds.problems).toEqual([{ severity: 'error', file: 'table.feather', line: 2, message: 'row 1: "photo": image cell must be a path, image bytes or {bytes, path}, got null; skipped' }]);
    const r = mlens(['open', root, '--columns', 'image=photo,caption=desc', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ format: 'arrow', images: 2, captions: 2 });
  });

  it('Hugging Face save_to_disk DatasetDict: splits from state.json, embedded {bytes, path} images unpacked once, lists of captions', async () => {
    const root = tmpDir();
    writeFile(root, 'dataset_dict.json', JSON.stringify({ splits: ['train', 'test'] }));
    hfSplit(root, 'train', 'train', new Table({
      image: images([{ bytes: pngBytes(1), path: 'one.png' }, { bytes: pngBytes(2), path: 'two.png' }]),
      sentences: stringLists([['a red square', 'a square'], ['a blue circle']]),
    }));
    hfSplit(root, 'test', 'test', new Table({ image: images([{ bytes: pngBytes(3), path: 'three.png' }]), sentences: stringLists([['a green star']]) }));
    const ds = await openDataset(root);
    expect(ds.format).toBe('arrow');
    expect(ds.captions.map((c) => [c.text, c.imageIndex, c.split])).toEqual([
      ['a red square', 0, 'train'],
      ['a square', 0, 'train'],
      ['a blue circle', 1, 'train'],
      ['a green star', 2, 'test'],
    ]);
    expect(ds.images.map((i) => i.id)).toEqual(['one', 'two', 'three']);
    expect(readFileSync(path.join(root, ds.images[2].path)).equals(pngBytes(3))).toBe(true);
    expect(ds.problems).toEqual([]);
    // the index files are hashed: changing state.json changes the dataset's hash
    const before = ds.hash;
    writeFile(root, 'test/state.json', JSON.stringify({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _split: 'test', _fingerprint: 'g' }));
    expect((await openDataset(root)).hash).not.toBe(before);
  });

  it('a stream cut short keeps the rows before it and names the file and row; an unreadable file is skipped and named', async () => {
    const root = tmpDir();
    const batch = (from: number) => new Table({ image: strings([`im${from}.png`, `im${from + 1}.png`]), caption: strings([`c${from}`, `c${from + 1}`]) });
    for (let i = 0; i < 6; i++) writePng(root, `im${i}.png`, i);
    const full = Buffer.from(tableToIPC(batch(0).concat(batch(2)), 'stream'));
    writeFileSync(path.join(root, 'a.arrow'), full.subarray(0, full.length - 40));
    writeFile(root, 'b.arrow', Buffer.from(tableToIPC(batch(4), 'file')).subarray(0, 300));
    writeFile(root, 'c.arrow', Buffer.from(tableToIPC(batch(4), 'file')));
    const ds = await openDataset(root);
    expect(ds.captions.map((c) => c.text)).toEqual(['c0', 'c1', 'c4', 'c5']);
    expect(ds.problems.map((p) => [p.file, p.line, p.message.replace(/\(record batch .*?\)/, '(…)')])).toEqual([
      ['a.arrow', 3, 'cannot be read after row 1 (…); the 2 rows before it are read'],
      ['b.arrow', undefined, 'is a truncated Arrow file: 300 bytes and no ARROW1 footer at the end; file skipped'],
    ]);
  });

  it('a state.json naming a data file outside the folder is refused and named', async () => {
    const root = tmpDir();
    writeFile(root, 'dataset_info.json', '{}');
    writeFile(root, 'state.json', JSON.stringify({ _data_files: [{ filename: '../elsewhere.arrow' }] }));
    await expect(openDataset(root)).rejects.toThrow(/state\.json: names data file "\.\.\/elsewhere\.arrow": path .* leads outside the dataset folder/);
  });
});
