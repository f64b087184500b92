// `mlens spaces DIR [--json]`: the dataset's spaces with id, name, encoder, dims, kind and parent.
import type { Project } from '../core/project/project.js';
import { spaceKind } from '../core/spaces/space_list.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

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
  /** Built from the dataset's truth (the sample's oracle, its copy, heads on them): not mined by default. */
  fromTruth: boolean;
}

export function spaceRows(project: Project): { dataset: string; spaces: SpaceRow[] } {
  const spaces = project.listSpaces();
  const names = new Map(spaces.map((s) => [s.id, s.name]));
  return {
    dataset: project.root,
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
      fromTruth: s.fromTruth,
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

export const spacesVerb: Verb = {
  summary: 'list the spaces of a dataset: id, name, encoder, dims, kind and parent',
  usage: 'mlens spaces DIR [--json]',
  flags: ['json'],
  async run(a) {
    const r = await withProject(needDir(a), async (p) => spaceRows(p), { readTruth: false });
    if (json(a)) return print(r);
    if (!r.spaces.length) return console.log(`${r.dataset} has no spaces yet: add embeddings/image.npy and text.npy, or run mlens encode ${r.dataset}`);
    for (const line of spacesTable(r.spaces)) console.log(line);
  },
};
