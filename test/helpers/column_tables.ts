// Caption tables whose column names say nothing (`pic`, `desc`, …): the reader cannot tell the image
// and caption columns apart by name, so opening asks for a mapping (--columns, the column dialog).
// Real Parquet written by hyparquet-writer, real PNG files beside it.
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFile, writePng } from '../fixtures/datasets/make.js';

/** `n` images under pics/, table.parquet with columns pic (path), desc (caption), note (another string), part (split), score (number). */
export function writeAmbiguousTable(root: string, n = 6): { captions: string[] } {
  const pics: string[] = [];
  const captions: string[] = [];
  for (let i = 0; i < n; i++) {
    writePng(root, `pics/p${i}.png`, i + 1);
    pics.push(`pics/p${i}.png`);
    captions.push(`picture number ${i}`);
  }
  const columnData = [
    { name: 'pic', data: pics, type: 'STRING' },
    { name: 'desc', data: captions, type: 'STRING' },
    { name: 'note', data: pics.map((_, i) => `note ${i}`), type: 'STRING' },
    { name: 'part', data: pics.map((_, i) => (i % 3 === 2 ? 'test' : 'train')), type: 'STRING' },
    { name: 'score', data: pics.map((_, i) => i / 2), type: 'DOUBLE' },
  ];
  writeFile(root, 'table.parquet', Buffer.from(parquetWriteBuffer({ columnData } as Parameters<typeof parquetWriteBuffer>[0])));
  return { captions };
}
