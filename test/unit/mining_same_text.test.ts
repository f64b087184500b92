// Same-text candidates (mining/same_text.ts): pairs whose caption reads exactly like a caption
// annotated on their image are valid by the annotation itself. Counted on a constructed table
// (counts, mid-rank percentiles, the first 1,000) and on the digits world, whose truth confirms
// that every such pair is valid; and the PU prior gives them their annotated twin's features, so
// it no longer ranks them last (mining on the digits world).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captionTextIds, sameTextCheck, sameTextMask } from '../../src/main/core/mining/same_text.js';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { Project } from '../../src/main/core/project/project.js';
import { tempDir } from '../helpers/tmp.js';

/** Candidates (image, caption, prior) as the table's columns. */
function table(rows: [number, number, number][]) {
  return { n: rows.length, image: Int32Array.from(rows, (r) => r[0]), caption: Int32Array.from(rows, (r) => r[1]), prior: Float32Array.from(rows, (r) => r[2]), rrf: new Float32Array(rows.length), agreement: new Uint8Array(rows.length) };
}

describe('sameTextCheck on a constructed pool', () => {
  // Images 0..2; caption c is annotated on image annotated[c].
  const texts = ['a red circle', 'a red circle ', 'two blue squares', 'a green star', 'a red circle'];
  const annotated = [0, 1, 2, 2, 2];
  const ids = captionTextIds(texts);
  const check = (t: ReturnType<typeof table>) => sameTextCheck(t, sameTextMask(t, ids, annotated));

  it('gives identical strings (trimmed) one text id', () => {
    expect(Array.from(ids)).toEqual([0, 0, 1, 2, 0]);
  });

  it('finds the pairs whose caption text (trimmed) is annotated on the image, and ranks them by mid-ranks', () => {
    // Caption 0 ("a red circle") on image 1 and 2: both carry that text. Caption 2 on image 0: no.
    const t = table([
      [1, 0, 0.9],
      [2, 0, 0.1],
      [0, 2, 0.5],
      [0, 3, 0.5],
    ]);
    const r = check(t);
    expect(r.pairs).toBe(2);
    expect(r.share).toBe(0.5);
    // Prior 0.9 sits above 3 of 4 (mid-rank 3.5 / 4), 0.1 below all (0.5 / 4): mean 0.5.
    expect(r.percentile).toBeCloseTo((3.5 / 4 + 0.5 / 4) / 2, 12);
    // All four are the first candidates; one of the two same-text pairs leads.
    expect(r).toMatchObject({ top: 4, topShare: 0.5 });
  });

  it('counts how many of the first 1,000 candidates by p̂ are same-text pairs', () => {
    // 3,000 candidates, 600 of them same-text (caption 4, "a red circle", on image 0 or 1); the
    // others caption 2 on image 0. On top: same-text pairs get the highest priors, else the lowest.
    const pool = (sameOnTop: boolean) => {
      const rows: [number, number, number][] = [];
      for (let k = 0; k < 3000; k++) {
        const same = k % 5 === 0;
        const prior = (same === sameOnTop ? 0.5 : 0) + (k % 997) / 2000;
        rows.push(same ? [k % 2, 4, prior] : [0, 2, prior]);
      }
      return table(rows);
    };
    const low = check(pool(false));
    expect(low).toMatchObject({ pairs: 600, share: 0.2, top: 1000, topShare: 0 });
    expect(low.percentile!).toBeLessThan(0.2);
    const high = check(pool(true));
    expect(high).toMatchObject({ pairs: 600, top: 1000, topShare: 0.6 });
    expect(high.percentile!).toBeGreaterThan(0.8);
  });

  it('says nothing without such pairs', () => {
    expect(check(table([[0, 2, 0.5]]))).toEqual({ pairs: 0, share: 0, percentile: null, top: 1, topShare: 0 });
  });
});

describe('same-text pairs on the digits world', () => {
  const tmp = tempDir('mlens-same-text-');
  afterAll(tmp.cleanup);

  it('every unannotated pair of a split whose caption reads like one of the image’s is valid in the truth, and they are common there', async () => {
    const dir = join(tmp.dir, 'digits');
    await generateDigits({ out: dir, images: 200, seed: 7 });
    const ds = await Project.readDataset(dir);
    const nI = ds.images.length;
    const annotated = ds.captions.map((c) => c.imageIndex);
    // Every pair of one split (mining never pairs across splits; the truth lists a caption's valid
    // images within its split) but the annotated ones.
    const rows: [number, number, number][] = [];
    for (let c = 0; c < ds.captions.length; c++) for (let i = 0; i < nI; i++) if (i !== annotated[c] && ds.images[i].split === ds.captions[c].split) rows.push([i, c, 0.5]);
    const t = table(rows);
    const r = sameTextCheck(t, sameTextMask(t, captionTextIds(ds.captions.map((c) => c.text)), annotated));
    expect(r.pairs).toBeGreaterThan(1000);
    // Recount them by hand and look each up in truth.jsonl.
    const textsOn = new Map<number, Set<string>>();
    ds.captions.forEach((c) => textsOn.set(c.imageIndex, (textsOn.get(c.imageIndex) ?? new Set()).add(c.text.trim())));
    let same = 0;
    let valid = 0;
    for (const [i, c] of rows) {
      if (!textsOn.get(i)?.has(ds.captions[c].text.trim())) continue;
      same++;
      if (ds.truth![c].includes(i)) valid++;
    }
    expect(same).toBe(r.pairs);
    expect(valid).toBe(same);
  }, 60_000);
});
