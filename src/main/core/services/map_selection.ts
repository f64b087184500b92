// A map selection as the API receives it (index lists and/or base64 bits) → sorted, unique image
// and caption indices of the open dataset; an index the dataset does not have is refused.
import type { MapSelectionRequest } from '../../../shared/api.js';
import { decodeSelectionBits } from '../../../shared/selection_bits.js';
import type { Project } from '../project/project.js';

export function resolveSelection(p: Project, req: MapSelectionRequest): { images: number[]; captions: number[] } {
  const nI = p.ds.images.length;
  const nC = p.ds.captions.length;
  const fromBits = req.bits ? decodeSelectionBits(req.bits, nI, nC) : { images: [], captions: [] };
  for (const i of req.images ?? []) if (i >= nI) throw new RangeError(`no image with index ${i} (the dataset has ${nI})`);
  for (const c of req.captions ?? []) if (c >= nC) throw new RangeError(`no caption with index ${c} (the dataset has ${nC})`);
  const sorted = (a: number[], b: readonly number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);
  return { images: sorted(fromBits.images, req.images ?? []), captions: sorted(fromBits.captions, req.captions ?? []) };
}
