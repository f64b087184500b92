// Mining's word agreement (mining/candidates.ts, `words`): the share of a candidate caption's content
// words that occur on the image's annotated captions, read into the PU prior beside the space's
// features (`mlens mine --words`; off by default: on the tuning seed it did not raise the precision,
// docs/science.md); and when a run reads the words at all (mining/mine.ts miningWords).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { mineCandidates } from '../../src/main/core/mining/candidates.js';
import { miningWords } from '../../src/main/core/mining/mine.js';
import { captionWordIds, contentTokens } from '../../src/main/core/datasets/caption_words.js';
import { mulberry32 } from '../../src/shared/random.js';

const COLOURS = ['red', 'blue', 'green'];
const SHAPES = ['circle', 'star', 'square', 'heart', 'cross'];

/** nImages images with two captions each (one with a single caption every `single`-th image), words from the image's colour and shape, plus filler ("grey", on every image). */
function world(nImages: number, single = 0) {
  const texts: string[] = [];
  const annotated: number[] = [];
  for (let i = 0; i < nImages; i++) {
    const colour = COLOURS[i % 3];
    const shape = SHAPES[Math.floor(i / 3) % 5];
    texts.push(`a ${colour} ${shape} on grey`);
    annotated.push(i);
    if (!(single && i % single === 0)) {
      texts.push(i % 2 ? `the ${shape} is ${colour} on a grey canvas` : `a ${shape} on grey`);
      annotated.push(i);
    }
  }
  const D = 8;
  const r = mulberry32(7);
  const unit = (n: number) => {
    const a = Float32Array.from({ length: n * D }, () => r() - 0.5);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += a[k * D + d] ** 2;
      for (let d = 0; d < D; d++) a[k * D + d] /= Math.sqrt(s);
    }
    return a;
  };
  return { texts, annotated: Int32Array.from(annotated), space: { id: 'random', dims: D, image: unit(nImages), text: unit(texts.length) } };
}

describe("mining's word agreement", () => {
  it("gives every candidate the share of its caption's content words on the image's annotated captions (filler left out)", async () => {
    const n = 30;
    const w = world(n);
    const captionWords = captionWordIds(w.texts, w.annotated, n);
    const t = await mineCandidates({ nImages: n, nCaptions: w.texts.length, annotated: w.annotated, captionWords }, [w.space]);
    expect(t.n).toBeGreaterThan(100);
    expect(t.wordShare).not.toBeNull();
    // Naively: words on the captions of more than half of the images are filler ("grey"), function words never count.
    const imageWords = Array.from({ length: n }, () => new Set<string>());
    w.texts.forEach((s, c) => contentTokens(s).forEach((x) => imageWords[w.annotated[c]].add(x)));
    const filler = new Set([...new Set(imageWords.flatMap((s) => [...s]))].filter((x) => imageWords.filter((s) => s.has(x)).length > n / 2));
    expect([...filler]).toEqual(['grey']);
    let partial = 0;
    let full = 0;
    for (let k = 0; k < t.n; k++) {
      const words = contentTokens(w.texts[t.caption[k]]).filter((x) => !filler.has(x));
      const share = words.filter((x) => imageWords[t.image[k]].has(x)).length / words.length;
      expect(t.wordShare![k]).toBeCloseTo(share, 6);
      if (share === 1) full++;
      else if (share > 0) partial++;
    }
    expect(full).toBeGreaterThan(0);
    expect(partial).toBeGreaterThan(0);
    // The PU prior reads two more columns (the share, and whether every word is there).
    expect(t.pu!.model.features).toHaveLength(4 + 1 + 2);
    const without = await mineCandidates({ nImages: n, nCaptions: w.texts.length, annotated: w.annotated }, [w.space]);
    expect(without.wordShare).toBeNull();
    expect(without.pu!.model.features).toHaveLength(4 + 1);
    // Same pool either way: the words change the prior, not which pairs are proposed.
    expect(Array.from(without.caption)).toEqual(Array.from(t.caption));
    expect(Array.from(without.image)).toEqual(Array.from(t.image));
  });

  it('is read only where at least half of the images have two or more captions, and says why', () => {
    const two = world(20);
    expect(miningWords(two.annotated, 20, true)).toEqual({ used: true, reason: '100 % of the images have two or more captions' });
    expect(miningWords(two.annotated, 20, false)).toEqual({ used: false, reason: 'not asked for (--words)' });
    // Every image but one with a single caption.
    const one = world(20, 1);
    expect(miningWords(one.annotated, 20, true)).toMatchObject({ used: false, reason: expect.stringMatching(/^only 0 % of the images have two or more captions \(needs half\)/) });
    // Half of them: enough.
    const half = world(20, 2);
    expect(miningWords(half.annotated, 20, true).used).toBe(true);
  });
});

describe('mlens mine and the words', () => {
  const tmp = tempDir('mlens-words-');
  afterAll(tmp.cleanup);

  it('reads the captions\' words only with --words, says so, and proposes the same pool', () => {
    const dir = join(tmp.dir, 'sample');
    const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };
    expect(mlens(['sample', '--out', dir, '--images', '100'], env).code).toBe(0);
    const plain = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '0'], env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toMatch(/captions' words/);
    const asked = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '0', '--words'], env);
    expect(asked.stdout).toMatch(/the prior also reads the captions' words: .*\(100 % of the images have two or more captions\)/);
    const off = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '0', '--json'], env).json();
    const on = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '0', '--words', '--json'], env).json();
    expect(on.words).toEqual({ used: true, reason: '100 % of the images have two or more captions' });
    expect(off.words).toEqual({ used: false, reason: 'not asked for (--words)' });
    expect(off.candidates).toBe(on.candidates);
  }, 120_000);
});
