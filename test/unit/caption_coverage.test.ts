// Caption coverage (datasets/caption_coverage.ts): how many images of a caption's split the other
// captions already describe with all of its content words. Hand-checked counts, the caption's own
// image judged without it, splits kept apart, filler words dropped.
import { describe, expect, it } from 'vitest';
import { captionCoverage } from '../../src/main/core/datasets/caption_coverage.js';
import { contentTokens } from '../../src/main/core/datasets/caption_words.js';

describe('caption coverage', () => {
  it('keeps content words only, lower-cased, letters and digits in any script', () => {
    expect(contentTokens('A Red circle and THE blue star, 2 of them').sort()).toEqual(['2', 'blue', 'circle', 'red', 'star', 'them']);
    expect(contentTokens('Ein rotes Quadrat über dem Kreis')).toContain('über');
  });

  it('counts the images whose other captions hold every content word, the own image without the caption itself', () => {
    // images 0–3 in one split; a generic caption ("red circle") and a specific one ("red circle left blue star")
    const texts = [
      'a red circle', // 0 → image 0
      'a red circle left of a blue star', // 1 → image 0
      'a red circle near a square', // 2 → image 1
      'a green square', // 3 → image 1
      'a red circle and a blue star on the left', // 4 → image 2
      'a blue star', // 5 → image 3
      // images 4–7: other things, so that no word above is on more than half of the images
      'a yellow hexagon',
      'a purple heart',
      'a brown cross',
      'an orange diamond',
    ];
    const captionImage = [0, 0, 1, 1, 2, 3, 4, 5, 6, 7];
    const group = [0, 0, 0, 0, 0, 0, 0, 0];
    const r = captionCoverage(texts, captionImage, group, 8);
    expect(r.filler).toEqual([]);
    // "red circle": image 0 (caption 1 has both), 1, 2 → 3
    expect(r.count[0]).toBe(3);
    // "red circle left blue star": only image 2; image 0 would count only through the caption itself
    expect(r.count[1]).toBe(1);
    // "blue star": images 0 and 2 (its own image 3 has no other caption)
    expect(r.count[5]).toBe(2);
    // a more generic caption covers at least as many images as a more specific one with its words
    expect(r.count[0]).toBeGreaterThan(r.count[1]);
    // The transpose: captions of other images that each image's captions cover. Image 2 ("a red
    // circle and a blue star on the left") fits "red circle", the long caption of image 0 and "blue star".
    expect(Array.from(r.imageCount)).toEqual([2, 1, 3, 0, 0, 0, 0, 0]);
  });

  it('judges a caption against its own split only', () => {
    const texts = ['a red circle', 'a red circle', 'a red circle', 'a red circle', 'a blue star', 'a green square', 'a pink heart', 'a brown cross'];
    const r = captionCoverage(texts, [0, 1, 2, 3, 4, 5, 6, 7], [0, 0, 1, 1, 0, 0, 1, 1], 8);
    // each caption's own image has no other caption, and one other image of its split has the words
    expect(Array.from(r.count.subarray(0, 4))).toEqual([1, 1, 1, 1]);
  });

  it('drops words that appear on the captions of more than half of the images as filler', () => {
    const texts = ['a picture of a cat', 'a picture of a dog', 'a picture of a cat and a dog', 'a picture of a bird'];
    const r = captionCoverage(texts, [0, 1, 2, 3], [0, 0, 0, 0], 4);
    expect(r.filler).toEqual(['picture']);
    // "cat": image 2 only (its own image 0 has no other caption); "picture" does not need matching
    expect(r.count[0]).toBe(1);
    // a caption of filler only covers its whole split
    const f = captionCoverage(['a picture', 'a picture', 'a picture'], [0, 1, 2], [0, 0, 0], 3);
    expect(Array.from(f.count)).toEqual([3, 3, 3]);
  });

  it('counts exactly what the definition says on random captions, rare and common words alike', () => {
    // A seeded world: 300 images in three splits, 2–4 captions each, words from a Zipf-like vocabulary
    // (common words take the bitset path, rare ones the posting lists).
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const vocab = Array.from({ length: 120 }, (_, k) => `w${k}`);
    const pick = () => vocab[Math.min(vocab.length - 1, Math.floor(vocab.length * rnd() ** 3))];
    const nImages = 300;
    const group = Array.from({ length: nImages }, (_, i) => i % 3);
    const texts: string[] = [];
    const captionImage: number[] = [];
    for (let i = 0; i < nImages; i++) {
      const k = 2 + Math.floor(rnd() * 3);
      for (let j = 0; j < k; j++) {
        texts.push(`a ${Array.from({ length: 1 + Math.floor(rnd() * 4) }, pick).join(' ')}`);
        captionImage.push(i);
      }
    }
    const r = captionCoverage(texts, captionImage, group, nImages);
    // The definition, naively.
    const words = texts.map((t) => new Set(contentTokens(t)));
    const docs = new Map<string, Set<number>>();
    words.forEach((ws, c) => ws.forEach((w) => (docs.get(w) ?? docs.set(w, new Set()).get(w)!).add(captionImage[c])));
    const content = words.map((ws) => [...ws].filter((w) => docs.get(w)!.size <= nImages / 2));
    const count = new Array<number>(texts.length).fill(0);
    const imageCount = new Array<number>(nImages).fill(0);
    for (let c = 0; c < texts.length; c++) {
      for (let i = 0; i < nImages; i++) {
        if (group[i] !== group[captionImage[c]]) continue;
        const union = new Set<string>();
        for (let o = 0; o < texts.length; o++) if (captionImage[o] === i && o !== c) words[o].forEach((w) => union.add(w));
        if (content[c].every((w) => union.has(w))) {
          count[c]++;
          if (i !== captionImage[c]) imageCount[i]++;
        }
      }
    }
    expect(r.filler.length).toBeGreaterThan(0);
    expect(Array.from(r.count)).toEqual(count);
    expect(Array.from(r.imageCount)).toEqual(imageCount);
  });
});
