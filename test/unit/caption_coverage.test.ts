// Caption coverage (heads/caption_coverage.ts): how many images of a caption's split the other
// captions already describe with all of its content words. Hand-checked counts, the caption's own
// image judged without it, splits kept apart, filler words dropped.
import { describe, expect, it } from 'vitest';
import { captionCoverage, contentTokens } from '../../src/main/core/heads/caption_coverage.js';

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
});
