// Noisy correspondence (SCIENCE.md §6.5 item 4): a share of the annotated pairs is shuffled within
// its split, so the caption's annotated image is another image. The truth stays the caption text's.
import type { Rng } from './rng.js';

/**
 * annotated[c] is caption c's annotated image (a slot), bySplit the caption indices of each split.
 * Rewrites annotated in place and returns the captions whose image was changed. Selected captions
 * trade images along a random cycle, so each image keeps its number of annotated captions.
 */
export function shuffleAnnotations(annotated: Int32Array, bySplit: readonly number[][], share: number, rng: Rng): number[] {
  if (share <= 0) return [];
  const source = annotated.slice();
  const noisy: number[] = [];
  for (const captions of bySplit) {
    const want = Math.round(share * captions.length);
    if (want === 0) continue;
    const chosen = rng.shuffle(captions.slice()).slice(0, want);
    const n = chosen.length;
    if (n === 1) {
      // A cycle needs two; borrow an image of another caption of the split.
      const c = chosen[0];
      const others = captions.filter((x) => source[x] !== source[c]);
      if (others.length > 0) annotated[c] = source[rng.pick(others)];
    } else {
      for (let i = 0; i < n; i++) annotated[chosen[i]] = source[chosen[(i + 1) % n]];
      // Repair positions that drew their own image by swapping targets with another position.
      for (let i = 0; i < n; i++) {
        const ci = chosen[i];
        for (let attempt = 0; attempt < 32 && annotated[ci] === source[ci]; attempt++) {
          const cj = chosen[rng.int(n)];
          if (cj === ci) continue;
          if (annotated[cj] !== source[ci] && annotated[ci] !== source[cj]) {
            const t = annotated[ci];
            annotated[ci] = annotated[cj];
            annotated[cj] = t;
          }
        }
      }
    }
    for (const c of chosen) if (annotated[c] !== source[c]) noisy.push(c);
  }
  return noisy.sort((a, b) => a - b);
}
