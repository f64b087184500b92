// What mining and evaluation share: resolving space ids to embeddings (core/project/Project caches
// them), splits as mining groups, and the dataset's positive sets.
import { basename } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import { SpaceStore } from '../spaces/space_store.js';
import { datasetSpaces, spaceLabel } from '../spaces/space_list.js';
import type { ReviewStore } from '../review/review_store.js';
import type { PositiveOptions, PositiveSets } from '../review/verified_positives.js';
import { readLabels } from '../labels/label_model.js';
import { verifiedFromLabels } from '../labels/verified_labels.js';
import { importPositivesFile, type ImportOptions, type ImportResult } from '../review/import_positives.js';
import type { MiningSpaceInput } from './space_engine.js';

/** The id that names the dataset's own embeddings/*.npy when no stored space has it. */
export const DATASET_SPACE = 'dataset';

/**
 * Stored spaces by id ('dataset': the folder's embeddings when no stored space has that id). With
 * `onDisk`, the folder's embeddings over the memory budget come back as rows on disk (`onDisk` set,
 * empty arrays) for the callers that read them by block (mining); otherwise they are refused by name.
 */
export function resolveSpaces(ds: Dataset, projectDirectory: string, ids: readonly string[], opts: { onDisk?: boolean } = {}): MiningSpaceInput[] {
  if (!ids.length) throw new Error('give at least one space id (--spaces ID[,ID...])');
  const store = new SpaceStore(projectDirectory);
  const seen = new Set<string>();
  return ids.map((id) => {
    if (seen.has(id)) throw new Error(`space ${id} is listed twice`);
    seen.add(id);
    if (store.has(id)) {
      const s = store.load(id);
      const r = s.record;
      if (r.nImages !== ds.images.length || r.nCaptions !== ds.captions.length) {
        throw new Error(`space ${id} (${r.name}) has ${r.nImages} images × ${r.nCaptions} captions, the dataset ${ds.images.length} × ${ds.captions.length}: it belongs to another dataset or version`);
      }
      return {
        id,
        dims: r.dims,
        image: s.image,
        text: s.text,
        imageLogvar: s.imageLogvar,
        textLogvar: s.textLogvar,
        similarity: s.imageLogvar && s.textLogvar ? 'csd' : 'cosine',
      };
    }
    if (id === DATASET_SPACE && ds.embeddings) {
      const e = ds.embeddings;
      return { id, dims: e.dims, image: e.image, text: e.text, imageLogvar: e.imageLogvar, textLogvar: e.textLogvar };
    }
    if (id === DATASET_SPACE && ds.streamed) {
      // Over the memory budget: the rows stay on disk; mining reads them by block (disk_space.ts).
      const st = ds.streamed;
      if (!opts.onDisk) throw new Error(`the dataset's embeddings (${st.source}) are on disk, over the memory budget (MLENS_MEMORY_MB / --memory-mb); this operation needs them in memory: raise the budget, or use mlens mine / mlens eval, which read them by block`);
      return { id, dims: st.dims, image: new Float32Array(0), text: new Float32Array(0), similarity: 'cosine', onDisk: { image: st.image, text: st.text, budgetBytes: st.budgetBytes, source: st.source } };
    }
    const known = datasetSpaces(ds, projectDirectory).map(spaceLabel);
    throw new Error(`no space with id ${id} in ${ds.name} (spaces: ${known.join(', ') || 'none; run `mlens encode` first'}; \`mlens spaces ${ds.root}\` lists them)`);
  });
}

/** Split of every image and caption as group numbers (null when the dataset has no splits). */
export function splitGroups(ds: Dataset): { names: string[]; imageGroup: Int32Array; captionGroup: Int32Array } | null {
  const names = [...new Set([...ds.images.map((i) => i.split), ...ds.captions.map((c) => c.split)].filter((s): s is string => s != null))].sort();
  if (names.length <= 1) return null;
  const g = (s: string | null): number => (s == null ? -1 : names.indexOf(s));
  return { names, imageGroup: Int32Array.from(ds.images, (i) => g(i.split)), captionGroup: Int32Array.from(ds.captions, (c) => g(c.split)) };
}

export function annotatedOf(ds: Dataset): Int32Array {
  return Int32Array.from(ds.captions, (c) => c.imageIndex);
}

/** Annotated ∪ verified for this project: positives.jsonl and every label (label model: flags, reviews, imports). */
export function projectVerified(ds: Dataset, reviews: ReviewStore, opts: PositiveOptions = {}): PositiveSets {
  return verifiedFromLabels({ nImages: ds.images.length, annotated: annotatedOf(ds), datasetPositives: ds.positives }, readLabels(reviews.db), opts);
}

/** Pairs already known valid besides the annotated ones (keys caption·nImages + image). */
export function knownPairs(ds: Dataset, reviews: ReviewStore): Set<number> {
  const n = ds.images.length;
  const out = new Set<number>();
  for (const [i, c, label] of ds.positives) if (label === 0 || label === 1 || label === 2) out.add(c * n + i);
  for (const e of reviews.extraPositives()) if (e.label === 0 || e.label === 1 || e.label === 2) out.add(e.caption * n + e.image);
  return out;
}

/**
 * Imports a positives file (ECCV Caption JSON, CxC CSV, positives.jsonl) into the project: its
 * pairs replace any earlier import under the same source name (the file's base name).
 */
export function importPositivesIntoProject(ds: Dataset, reviews: ReviewStore, file: string, opts: ImportOptions & { source?: string } = {}): ImportResult & { source: string } {
  const r = importPositivesFile(file, ds, opts);
  const source = opts.source ?? basename(file);
  reviews.setExtraPositives(source, r.pairs);
  return { ...r, source };
}
