// One split policy for everything that trains (the built-in encoder's head and every head), so that
// no model ever trains on the items it is evaluated on without saying so:
// - The dataset's own splits when it has a train split: train/restval → train, val/dev → val,
//   test → test, no split → train; without any val image, a seeded 10 % of train becomes val.
// - No train split at all (a test-only set such as a 5k test split, or a folder without splits):
//   a deterministic split by image, 80 / 10 / 10 from the seed, and a note that says so.
// - Fewer than MIN_DERIVED images: too few to hold any out; everything trains, with a note.
import { Rng } from '../sample/rng.js';

/** The `file` of the Problem that announces a derived split (an encode's problems list carries it; it is no skipped item). */
export const SPLIT_NOTE_FILE = 'splits';

export const ROLE_TRAIN = 0;
export const ROLE_VAL = 1;
export const ROLE_TEST = 2;
export const ROLE_UNUSED = -1;

/** Below this many images nothing is held out (a split of 2 images helps nobody). */
export const MIN_DERIVED = 20;

const TRAIN_SPLITS = new Set(['train', 'restval', 'training']);
const VAL_SPLITS = new Set(['val', 'valid', 'validation', 'dev']);
const TEST_SPLITS = new Set(['test', 'testing']);

export interface SplitPolicy {
  /** Role per image (ROLE_*); a caption has its annotated image's role. */
  roles: Int8Array;
  /** 'dataset': the dataset's splits; 'derived': the seeded 80/10/10 split; 'all': too small, all train. */
  source: 'dataset' | 'derived' | 'all';
  /** What the UI and CLI say about it, or null when the dataset's own splits are used as they are. */
  note: string | null;
}

/**
 * A split label's kind, lower-cased and without a trailing year or number, so that COCO's
 * `train2014`/`train2017`/`val2017` and names like `test-2015` read as train, val and test.
 */
export function splitKind(split: string | null | undefined): string {
  return (split ?? '').toLowerCase().replace(/[-_]?\d+$/, '');
}

export function splitPolicy(ds: { readonly images: ReadonlyArray<{ readonly split?: string | null }> }, seed = 0): SplitPolicy {
  const n = ds.images.length;
  const roles = new Int8Array(n);
  let nTrain = 0;
  let nVal = 0;
  // A dataset has a few distinct labels: each is read once (its role, and whether it names a train split).
  const kinds = new Map<string | null | undefined, { role: number; train: boolean }>();
  ds.images.forEach((im, i) => {
    let k = kinds.get(im.split);
    if (!k) {
      const s = splitKind(im.split);
      k = { role: VAL_SPLITS.has(s) ? ROLE_VAL : TEST_SPLITS.has(s) ? ROLE_TEST : TRAIN_SPLITS.has(s) || !s ? ROLE_TRAIN : ROLE_UNUSED, train: TRAIN_SPLITS.has(s) };
      kinds.set(im.split, k);
    }
    roles[i] = k.role;
    if (k.train) nTrain++;
    if (k.role === ROLE_VAL) nVal++;
  });
  if (nTrain > 0) {
    let note: string | null = null;
    if (nVal === 0) {
      const train: number[] = [];
      roles.forEach((r, i) => r === ROLE_TRAIN && train.push(i));
      if (train.length >= MIN_DERIVED) {
        const take = Math.max(1, Math.round(train.length * 0.1));
        for (const i of new Rng(seed, 'head-val-split').shuffle(train).slice(0, take)) roles[i] = ROLE_VAL;
        note = `no val split: ${take} of the ${train.length} train images (10 %, seed ${seed}) validate`;
      }
    }
    return { roles, source: 'dataset', note };
  }
  if (n < MIN_DERIVED) {
    roles.fill(ROLE_TRAIN);
    return { roles, source: 'all', note: `no train split and only ${n} images: everything trains, nothing is held out` };
  }
  const order = new Rng(seed, 'derived-split').shuffle(Array.from({ length: n }, (_, i) => i));
  const nTest = Math.max(1, Math.round(n * 0.1));
  const nV = Math.max(1, Math.round(n * 0.1));
  roles.fill(ROLE_TRAIN);
  order.slice(0, nTest).forEach((i) => (roles[i] = ROLE_TEST));
  order.slice(nTest, nTest + nV).forEach((i) => (roles[i] = ROLE_VAL));
  return {
    roles,
    source: 'derived',
    note: `no train split: a deterministic split by image from seed ${seed}: ${n - nTest - nV} train, ${nV} val, ${nTest} test (80/10/10); the dataset's own split labels are not used for training`,
  };
}

/** Images per role. */
export function roleCounts(roles: ArrayLike<number>): { train: number; val: number; test: number } {
  const n = { train: 0, val: 0, test: 0 };
  for (let i = 0; i < roles.length; i++) {
    if (roles[i] === ROLE_TRAIN) n.train++;
    else if (roles[i] === ROLE_VAL) n.val++;
    else if (roles[i] === ROLE_TEST) n.test++;
  }
  return n;
}

/**
 * The one line `mlens open` and the dataset summary show for a dataset without a train split (what
 * the built-in encoder, the heads and the metrics use); null when the dataset has a train split.
 */
export function noTrainSplitLine(ds: Parameters<typeof splitPolicy>[0], seed = 0): string | null {
  const p = splitPolicy(ds, seed);
  if (p.source === 'dataset') return null;
  if (p.source === 'all') return `no train split and only ${ds.images.length} images: the built-in encoder and the heads train on every item, nothing is held out, and metrics use all items`;
  const n = roleCounts(p.roles);
  return `no train split: the built-in encoder and the heads train on a deterministic split by image (80/10/10, seed ${seed}): ${n.train} train, ${n.val} val, ${n.test} test images; metrics default to those ${n.test} test images`;
}
