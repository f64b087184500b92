// The spaces of an open dataset as the app and `mlens spaces` list them: the folder's own
// embeddings (id 'dataset') and every stored space of the right size, each with its human name.
import type { Dataset } from '../datasets/dataset.js';
import type { SpaceInfo } from '../../../shared/views/spaces.js';
import { SpaceStore } from './space_store.js';
import { ORACLE_NAME, isOracleSource } from './oracle.js';

export const FOLDER_SPACE = 'dataset';

export function datasetSpaces(ds: Dataset, projectDirectory: string): SpaceInfo[] {
  const out: SpaceInfo[] = [];
  // The sample's oracle is built from the truth: an upper bound, never an encoder's quality.
  const oracle = !!ds.embeddings && isOracleSource(ds.embeddings.source);
  if (ds.embeddings) {
    const e = ds.embeddings;
    const name = oracle ? ORACLE_NAME : `${e.source} (folder embeddings)`;
    out.push({ id: FOLDER_SPACE, name, encoder: 'dataset', dims: e.dims, probabilistic: !!(e.imageLogvar && e.textLogvar), parent: null, condition: null, createdAt: null, fromTruth: oracle });
  } else if (ds.streamed) {
    // Over the memory budget the rows stay on disk: mining, metrics (`mlens eval`) and a sampled map
    // read them by block; what needs them in memory says so by name.
    out.push({ id: FOLDER_SPACE, name: `${ds.streamed.source} (folder embeddings, on disk)`, encoder: 'dataset', dims: ds.streamed.dims, probabilistic: false, parent: null, condition: null, createdAt: null, fromTruth: false });
  }
  const stored = new SpaceStore(projectDirectory).list().filter((r) => r.nImages === ds.images.length && r.nCaptions === ds.captions.length);
  const byId = new Map(stored.map((r) => [r.id, r] as const));
  // A stored copy of the oracle (encoder 'dataset', kept for heads to train on), or any space whose
  // chain of parents reaches one, is built from the truth too.
  const fromTruth = (id: string | null, seen = new Set<string>()): boolean => {
    if (!id || seen.has(id)) return false;
    if (id === FOLDER_SPACE) return oracle;
    seen.add(id);
    const r = byId.get(id);
    if (r && r.encoder === 'dataset' && !r.parent) return oracle;
    return fromTruth(r?.parent ?? null, seen);
  };
  for (const r of stored) {
    const truth = fromTruth(r.id);
    // Spaces named before the oracle's copies took its name say where they come from.
    const name = truth && !r.name.includes(ORACLE_NAME) ? `${r.name} [built from truth]` : r.name;
    out.push({ id: r.id, name, encoder: r.encoder, dims: r.dims, probabilistic: r.probabilistic, parent: r.parent, condition: r.condition, createdAt: r.run.startedAt, fromTruth: truth });
  }
  return out;
}

/** 'folder' (the dataset's embeddings), 'encoder' (encoded here) or 'head' (trained on a parent). */
export function spaceKind(s: SpaceInfo): 'folder' | 'encoder' | 'head' {
  return s.encoder === 'dataset' && !s.parent ? 'folder' : s.parent ? 'head' : 'encoder';
}

/** "abc123 (baseline 64-d)": an id with its human name, for messages. */
export function spaceLabel(s: Pick<SpaceInfo, 'id' | 'name'>): string {
  return `${s.id} (${s.name})`;
}
