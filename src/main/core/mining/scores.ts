// Per-space scores of one gallery (SCIENCE 4.2 step 1): ranks in both directions from the top-k
// lists, and standardised scores z = ½[(S − mean_row)/sd_row + (S − mean_col)/sd_col], where the
// row is the image's scores over all captions and the column the caption's over all images. The
// z-score makes encoders with different score scales comparable, and discounts hubs.
import { crossModalKnn, rankIn, type CrossModalKnn, type KnnOptions } from '../compute/knn_blocked.js';
import type { LoadedSpace } from './space_engine.js';
import type { PairSpace } from './disk_space.js';

export interface SpaceScores {
  /** LoadedSpace in memory, DiskSpace for rows on disk. */
  space: PairSpace;
  knn: CrossModalKnn;
  /** 1-based rank of caption c among image i's captions (i→t); 0 when beyond the list. */
  rankI2T(i: number, c: number): number;
  /** 1-based rank of image i among caption c's images (t→i); 0 when beyond the list. */
  rankT2I(c: number, i: number): number;
  /** The z-score of score s of the pair (i, c). */
  z(i: number, c: number, s: number): number;
}

export function zScore(knn: CrossModalKnn, i: number, c: number, s: number): number {
  return 0.5 * ((s - knn.imageStats.mean[i]) / knn.imageStats.sd[i] + (s - knn.textStats.mean[c]) / knn.textStats.sd[c]);
}

/** Runs the kNN of one loaded space (local indices) and wraps the lookups. */
export function computeSpaceScores(space: LoadedSpace, opts: KnnOptions): SpaceScores {
  const knn = crossModalKnn(space, opts);
  return wrapScores(space, knn);
}

export function wrapScores(space: PairSpace, knn: CrossModalKnn): SpaceScores {
  return {
    space,
    knn,
    rankI2T: (i, c) => rankIn(knn.i2t, i, c),
    rankT2I: (c, i) => rankIn(knn.t2i, c, i),
    z: (i, c, s) => zScore(knn, i, c, s),
  };
}
