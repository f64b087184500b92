// spaces.*: the active space, encoding the open dataset into a space, and an item's partners and
// cross-modal neighbours in the active space.
import { SPLIT_NOTE_FILE } from '../datasets/split_policy.js';
import type { ItemDetail, Neighbor, Session } from '../../../shared/api.js';
import type { SpaceInfo } from '../../../shared/views/spaces.js';
import type { SpacesService } from '../../../shared/api.js';
import type { Dataset } from '../datasets/dataset.js';
import { topKDot, row } from '../compute/query_top_k.js';
import { encodeProject } from '../encoders/encode_project.js';
import { checkEncoderSpecPaths } from './service_paths.js';
import { emitSession, type ServiceSession } from './context.js';

/** Whether a pair is valid per truth.jsonl (sorted image lists), null without truth. */
export function truthHas(ds: Dataset, image: number, caption: number): boolean | null {
  const t = ds.truth?.[caption];
  if (!t) return null;
  let lo = 0;
  let hi = t.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] === image) return true;
    if (t[mid] < image) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export class SpacesServiceImpl implements SpacesService {
  constructor(private readonly s: ServiceSession) {}

  async setActive(req: { spaceId: string }): Promise<Session> {
    this.s.project().setActiveSpace(req.spaceId);
    return emitSession(this.s);
  }

  /** Lists the spaces of the open project (none without one). */
  list(): SpaceInfo[] {
    return this.s.currentProject()?.listSpaces() ?? [];
  }

  /** A space was written: it becomes the active one, and its listing is returned. */
  async adoptWritten(id: string): Promise<SpaceInfo> {
    const p = this.s.project();
    p.forgetSpace(id);
    const info = p.listSpaces().find((x) => x.id === id);
    if (!info) throw new Error(`space ${id} was written but cannot be listed`);
    await this.setActive({ spaceId: info.id });
    return info;
  }

  async encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number; splitNote: string | null }> {
    const p = this.s.project();
    checkEncoderSpecPaths(req.encoder);
    const r = await this.s.jobs.run(req.jobId, 'encode', (signal, progress) =>
      encodeProject(p, {
        encoder: req.encoder,
        signal,
        onProgress: (e) => progress(`encode: ${e.phase}${e.itemsPerSecond ? ` (${Math.round(e.itemsPerSecond)}/s${e.etaSeconds != null ? `, ${Math.ceil(e.etaSeconds)} s left` : ''})` : ''}`, e.done, e.total),
        log: () => undefined,
      }),
    );
    const info = await this.adoptWritten(r.id);
    // The split announcement is not a skipped item: it is returned as such.
    const split = r.problems.find((x) => x.file === SPLIT_NOTE_FILE);
    return { ...info, cached: r.cached, problems: r.problems.filter((x) => x !== split).length, splitNote: split?.message ?? null };
  }

  async itemDetail(req: { kind: 'image' | 'caption'; index: number; k?: number }): Promise<ItemDetail> {
    const p = this.s.project();
    const ds = p.ds;
    const k = req.k ?? 10;
    const nI = ds.images.length;
    const nC = ds.captions.length;
    if (req.kind === 'image' ? req.index >= nI : req.index >= nC) throw new Error(`no ${req.kind} with index ${req.index}`);
    const partners: number[] = [];
    if (req.kind === 'image') ds.captions.forEach((c, i) => c.imageIndex === req.index && partners.push(i));
    else partners.push(ds.captions[req.index].imageIndex);
    let truePartners: number | null = null;
    if (ds.truth) {
      if (req.kind === 'caption') truePartners = ds.truth[req.index]?.length ?? 0;
      else {
        truePartners = 0;
        for (let c = 0; c < nC; c++) if (truthHas(ds, req.index, c)) truePartners++;
      }
    }
    const neighbors: Neighbor[] = [];
    const emb = p.activeSpaceId ? p.space() : null;
    if (emb) {
      const d = emb.dims;
      const q = req.kind === 'image' ? row(emb.image, d, req.index) : row(emb.text, d, req.index);
      const top = topKDot(q, req.kind === 'image' ? emb.text : emb.image, d, k);
      for (let j = 0; j < top.indices.length; j++) {
        const g = top.indices[j];
        if (g < 0) continue;
        const image = req.kind === 'image' ? req.index : g;
        const caption = req.kind === 'image' ? g : req.index;
        neighbors.push({
          kind: req.kind === 'image' ? 'caption' : 'image',
          index: g,
          similarity: top.scores[j],
          annotated: ds.captions[caption].imageIndex === image,
          valid: truthHas(ds, image, caption),
        });
      }
    }
    return { kind: req.kind, index: req.index, partners, neighbors, truePartners };
  }
}
