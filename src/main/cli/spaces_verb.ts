// `mlens spaces DIR [--json]`: the dataset's spaces with id, name, encoder, dims, kind and parent.
import { openDataset } from '../core/datasets/open.js';
import { projectDir } from '../core/store/project_store.js';
import { datasetSpaces, spaceKind } from '../core/spaces/space_list.js';

export interface SpaceRow {
  id: string;
  name: string;
  encoder: string;
  dims: number;
  kind: 'folder' | 'encoder' | 'head';
  probabilistic: boolean;
  parent: string | null;
  parentName: string | null;
  condition: string | null;
  createdAt: string | null;
}

export async function listSpacesOf(dir: string, dataDir: string): Promise<{ dataset: string; spaces: SpaceRow[] }> {
  const ds = await openDataset(dir);
  const spaces = datasetSpaces(ds, projectDir(ds.root, dataDir));
  const names = new Map(spaces.map((s) => [s.id, s.name]));
  return {
    dataset: ds.root,
    spaces: spaces.map((s) => ({
      id: s.id,
      name: s.name,
      encoder: s.encoder,
      dims: s.dims,
      kind: spaceKind(s),
      probabilistic: s.probabilistic,
      parent: s.parent,
      parentName: s.parent ? (names.get(s.parent) ?? null) : null,
      condition: s.condition,
      createdAt: s.createdAt,
    })),
  };
}

/** A plain-text table, columns padded to their widest cell. */
export function spacesTable(rows: readonly SpaceRow[]): string[] {
  const head = ['id', 'name', 'encoder', 'dims', 'kind', 'parent'];
  const cells = rows.map((r) => [r.id, r.name, r.encoder, String(r.dims), `${r.kind}${r.probabilistic ? ', probabilistic' : ''}`, r.parent ? `${r.parent} (${r.parentName ?? '?'})` : '-']);
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: string[]) => c.map((x, j) => x.padEnd(widths[j])).join('  ').trimEnd();
  return [line(head), ...cells.map(line)];
}
