/**
 * Membership in a truth table (caption → its valid images) without one Set entry per pair.
 *
 * A JavaScript Set holds at most 2^24 keys, and a large world with generic captions has more
 * valid pairs than that (a 5,000-image digits world: about 30 million, since "handwritten digits"
 * fits every image of its split). Each caption's images are kept sorted and searched instead: the memory is
 * one Int32 per pair, and a lookup is a binary search in one caption's list.
 */
import { sortedIncludes } from '../../../shared/sorted.js';

export interface PairMembership {
  /** Number of pairs counted in. */
  readonly size: number;
  /** Whether the pair with key caption·nImages + image is counted in. */
  has(key: number): boolean;
}

/** The list itself when it is already a sorted Int32Array (no copy), else a sorted copy. */
function sorted(list: ArrayLike<number>): Int32Array {
  for (let k = 1; k < list.length; k++) {
    if (list[k - 1] > list[k]) return Int32Array.from(list).sort();
  }
  return list instanceof Int32Array ? list : Int32Array.from(list);
}

export interface TruthPairOptions {
  /** Leave out each caption's annotated image (−1: none). */
  annotated?: ArrayLike<number>;
  /** Pairs to leave out (keys caption·nImages + image), e.g. pairs already known valid. */
  exclude?: { has(key: number): boolean };
  /** Count in only pairs whose caption and image are in the same group (split). */
  groups?: { imageGroup: ArrayLike<number>; captionGroup: ArrayLike<number> };
}

/** The valid pairs of `truth` as a membership test, less the annotated, excluded and cross-group ones. */
export class TruthPairs implements PairMembership {
  readonly size: number;
  /** Pairs left out only because their caption and image are in different groups. */
  readonly crossGroup: number;
  private readonly lists: Int32Array[];

  constructor(
    truth: readonly ArrayLike<number>[],
    private readonly nImages: number,
    private readonly opts: TruthPairOptions = {},
  ) {
    this.lists = truth.map(sorted);
    let size = 0;
    let cross = 0;
    this.lists.forEach((imgs, c) => {
      for (let k = 0; k < imgs.length; k++) {
        const i = imgs[k];
        if (k > 0 && imgs[k - 1] === i) continue;
        if (!this.kept(c, i, false)) continue;
        if (opts.groups && opts.groups.captionGroup[c] !== opts.groups.imageGroup[i]) cross++;
        else size++;
      }
    });
    this.size = size;
    this.crossGroup = cross;
  }

  private kept(c: number, i: number, checkGroup: boolean): boolean {
    const { annotated, exclude, groups } = this.opts;
    if (annotated && annotated[c] === i) return false;
    if (exclude?.has(c * this.nImages + i)) return false;
    if (checkGroup && groups && groups.captionGroup[c] !== groups.imageGroup[i]) return false;
    return true;
  }

  has(key: number): boolean {
    const c = Math.floor(key / this.nImages);
    const i = key - c * this.nImages;
    const list = this.lists[c];
    if (!list || !sortedIncludes(list, i)) return false;
    return this.kept(c, i, true);
  }

  /** Whether image `i` is valid for caption `c` and counted in. */
  hasPair(c: number, i: number): boolean {
    return this.has(c * this.nImages + i);
  }
}
