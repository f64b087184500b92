// A map selection sent to review: the selected captions and images become one review unit (a
// block: captions are rows, images columns) at the front of the review queue.
//
// Which pairs: every selected caption × every selected image. That holds the annotated pairs with
// both ends selected and every other cross pair inside the region. A unit larger than
// SELECTION_UNIT_CAPTIONS × SELECTION_UNIT_IMAGES is cut, and the result says so: captions whose
// annotated image is selected come first, then the rest in index order; images annotated to a kept
// caption come first, then the rest in index order.
//
// Storage: the unit is a `mining_clusters` row with run_id 0 (no mining run made it) and a
// position below every other selection unit (newest first; selection units come before mined
// ones). Its pairs are `mining_candidates` rows pointing at it: a pair that mining already found is
// moved into the unit (its features stay); a pair mining never found is added with sources 0 and
// zero features, which the classifier and mining statistics skip (ReviewStore.candidateColumns).
// Re-mining replaces every unit, these included; decisions made in them stay (keyed by pair).
// Undo: ReviewStore.undo takes back this session's last action, a decision batch or a unit sent.
import type { ReviewStore } from './review_store.js';

export const SELECTION_UNIT_CAPTIONS = 40;
export const SELECTION_UNIT_IMAGES = 40;

export interface SelectionUnitPlan {
  captions: number[];
  images: number[];
  /** Annotated images of the kept captions (the grid's reference column). */
  referenceImages: number[];
  selectedCaptions: number;
  selectedImages: number;
  capped: boolean;
}

/** Which captions and images of a selection make its unit (pure). `captionImage[c]` = caption c's annotated image. */
export function planSelectionUnit(
  sel: { images: readonly number[]; captions: readonly number[] },
  captionImage: ArrayLike<number>,
  limits: { captions: number; images: number } = { captions: SELECTION_UNIT_CAPTIONS, images: SELECTION_UNIT_IMAGES },
): SelectionUnitPlan {
  const images = [...new Set(sel.images)].sort((a, b) => a - b);
  const captions = [...new Set(sel.captions)].sort((a, b) => a - b);
  const selectedImage = new Set(images);
  const pairedFirst = [...captions.filter((c) => selectedImage.has(captionImage[c])), ...captions.filter((c) => !selectedImage.has(captionImage[c]))];
  const keptCaptions = pairedFirst.slice(0, limits.captions).sort((a, b) => a - b);
  const annotated = new Set(keptCaptions.map((c) => captionImage[c]));
  const imagesFirst = [...images.filter((i) => annotated.has(i)), ...images.filter((i) => !annotated.has(i))];
  const keptImages = imagesFirst.slice(0, limits.images).sort((a, b) => a - b);
  return {
    captions: keptCaptions,
    images: keptImages,
    referenceImages: [...annotated].filter((i) => i >= 0).sort((a, b) => a - b),
    selectedCaptions: captions.length,
    selectedImages: images.length,
    capped: keptCaptions.length < captions.length || keptImages.length < images.length,
  };
}

/** What the session may take back: units it sent, with the pairs it moved out of mined units. */
interface SentUnit {
  id: number;
  at: string;
  moved: Array<[caption: number, image: number, fromCluster: number | null]>;
}
const sentUnits = new WeakMap<ReviewStore, SentUnit[]>();

/** Writes the unit and its pairs in one transaction; returns its id and how many pairs were new to the queue. */
export function saveSelectionUnit(store: ReviewStore, plan: SelectionUnitPlan, costSeconds: number): { id: number; pairs: number; added: number; moved: number } {
  const db = store.db;
  const at = new Date().toISOString();
  const tx = db.transaction(() => {
    const min = (db.prepare('SELECT MIN(position) AS m FROM mining_clusters WHERE run_id = 0').get() as { m: number | null }).m;
    const position = Math.min(min ?? 0, 0) - 1;
    const n = plan.captions.length * plan.images.length;
    const id = Number(
      db
        .prepare(
          `INSERT INTO mining_clusters(run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs)
           VALUES (0, 'block', ?, 'priority', 0, 0, 0, ?, ?, ?, ?, ?)`,
        )
        .run(position, costSeconds, JSON.stringify(plan.captions), JSON.stringify(plan.images), JSON.stringify(plan.referenceImages), n).lastInsertRowid,
    );
    const find = db.prepare('SELECT cluster_id FROM mining_candidates WHERE caption_index = ? AND image_index = ?');
    const move = db.prepare('UPDATE mining_candidates SET cluster_id = ? WHERE caption_index = ? AND image_index = ?');
    const add = db.prepare(
      `INSERT INTO mining_candidates(image_index, caption_index, run_id, sources, agreement, rrf, z_mean, margin, lev, tau_img, tau_txt, prior, p, cluster_id, scores, ranks)
       VALUES (?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?)`,
    );
    const empty = Buffer.alloc(0);
    const moved: SentUnit['moved'] = [];
    let added = 0;
    for (const c of plan.captions) {
      for (const i of plan.images) {
        const row = find.get(c, i) as { cluster_id: number | null } | undefined;
        if (row) {
          moved.push([c, i, row.cluster_id]);
          move.run(id, c, i);
        } else {
          add.run(i, c, id, empty, empty);
          added++;
        }
      }
    }
    return { id, pairs: n, added, moved };
  });
  const r = tx();
  const list = sentUnits.get(store) ?? [];
  list.push({ id: r.id, at, moved: r.moved });
  sentUnits.set(store, list);
  return { id: r.id, pairs: r.pairs, added: r.added, moved: r.moved.length };
}

/** This session's sent units still in the queue (a re-mine replaces them). */
function live(store: ReviewStore): SentUnit[] {
  const list = sentUnits.get(store) ?? [];
  const exists = store.db.prepare('SELECT 1 FROM mining_clusters WHERE id = ? AND run_id = 0');
  while (list.length && exists.get(list[list.length - 1].id) === undefined) list.pop();
  return list;
}

/** When this session last sent a unit still in the queue (ISO), or null. */
export function lastSentUnitAt(store: ReviewStore): string | null {
  const list = live(store);
  return list.length ? list[list.length - 1].at : null;
}

/** Takes back the last unit this session sent: its added pairs go, moved pairs return to their unit. Returns its id. */
export function undoSelectionUnit(store: ReviewStore): number | null {
  const last = live(store).pop();
  if (!last) return null;
  const db = store.db;
  db.transaction(() => {
    db.prepare('DELETE FROM mining_candidates WHERE cluster_id = ? AND run_id = 0 AND sources = 0').run(last.id);
    const back = db.prepare('UPDATE mining_candidates SET cluster_id = ? WHERE caption_index = ? AND image_index = ? AND cluster_id = ?');
    for (const [c, i, from] of last.moved) back.run(from, c, i, last.id);
    db.prepare('DELETE FROM mining_clusters WHERE id = ? AND run_id = 0').run(last.id);
  })();
  return last.id;
}
