// What the map draws besides its points' positions: point kinds, flags and colours; the edges of the
// selection (partners, neighbours), the outlines of the top pending units, the hovered unit's
// candidates and the unit open in Review; the highlighted points; the line key. `edgeOwner` maps an
// edge (`a,b`) to the unit it belongs to, so a click on it opens that unit.
import { useMemo } from 'react';
import type { Projection } from '../../../../shared/api';
import type { Colouring } from '../../colour/colour_by';
import type { LineKind } from '../../colour/LineKey';
import type { MapEdge, MapPoints } from '../../map/MapView';
import { useLensState } from '../../store/react';
import { isPositive } from '../review/grid';
import { convexHull, hullEdges, unitColor } from '../review/hull';
import type { MapUnits } from './useMapUnits';

type RGBA = [number, number, number, number];
const PARTNER_EDGE: RGBA = [0.15, 0.6, 0.25, 0.9];
const NEIGHBOR_EDGE: RGBA = [0.95, 0.55, 0.1, 0.75];
const OPEN_UNIT_EDGE: RGBA = [0.07, 0.09, 0.15, 0.95];
const CAND_EDGE: Record<'open' | 'yes' | 'no' | 'focus', RGBA> = {
  open: [0.55, 0.35, 0.85, 0.55],
  yes: [0.1, 0.62, 0.3, 0.9],
  no: [0.85, 0.15, 0.15, 0.5],
  focus: [1, 0.75, 0, 1],
};

function pointOf(projection: Projection, kind: 'image' | 'caption', index: number): number {
  return kind === 'image' ? index : projection.nImages + index;
}

function unitPoints(projection: Projection, u: { captions: number[]; images: number[]; referenceImages: number[] }): number[] {
  return [...u.images.map((i) => pointOf(projection, 'image', i)), ...u.referenceImages.map((i) => pointOf(projection, 'image', i)), ...u.captions.map((c) => pointOf(projection, 'caption', c))];
}

export function useMapPoints(colouring: Colouring | null): MapPoints | null {
  const projection = useLensState((s) => s.projection);
  const flags = useLensState((s) => s.flags);
  const partial = useLensState((s) => s.partialMap);
  const items = useLensState((s) => s.items);
  return useMemo(() => {
    if (!projection && partial && items) {
      // A layout in progress: the points where the job has them so far, images and captions told apart.
      const kind = new Uint8Array(partial.xy.length / 2);
      kind.fill(1, items.images.length);
      return { xy: partial.xy, kind, flagged: new Uint8Array(kind.length), color: null, partial: true };
    }
    if (!projection) return null;
    const n = projection.nImages + projection.nCaptions;
    const kind = new Uint8Array(n);
    kind.fill(1, projection.nImages);
    const flagged = new Uint8Array(n);
    for (const f of flags) {
      if (f.target.kind === 'pair') {
        flagged[f.target.image] = 1;
        flagged[projection.nImages + f.target.caption] = 1;
      } else flagged[f.target.modality === 'image' ? f.target.index : projection.nImages + f.target.index] = 1;
    }
    const color = colouring && colouring.rgba.length === 4 * n ? colouring.rgba : null;
    return { xy: projection.xy, kind, flagged, color };
  }, [projection, flags, colouring, partial, items]);
}

export function useMapLayers(mapUnits: MapUnits) {
  const projection = useLensState((s) => s.projection);
  const detail = useLensState((s) => s.detail);
  const inspecting = useLensState((s) => s.tab === 'inspect');
  const reviewTab = useLensState((s) => s.tab === 'review');
  const openUnit = useLensState((s) => s.reviewUnit);
  const reviewFocus = useLensState((s) => s.reviewFocus);
  const { units, show, hoverUnit, hoverCands } = mapUnits;
  const reviewUnit = reviewTab ? openUnit : null;

  const { edges, edgeOwner, unitColors } = useMemo(() => {
    const out: MapEdge[] = [];
    const owner = new Map<string, number>();
    const colors = new Map<number, string>();
    if (!projection) return { edges: out, edgeOwner: owner, unitColors: colors };
    const xy = projection.xy;
    const at = (kind: 'image' | 'caption', index: number) => pointOf(projection, kind, index);
    if (detail && inspecting) {
      const from = at(detail.kind, detail.index);
      const other = detail.kind === 'image' ? 'caption' : 'image';
      out.push(...detail.partners.map((p) => ({ a: from, b: at(other, p), color: PARTNER_EDGE })));
      out.push(...detail.neighbors.filter((n) => !n.annotated).map((n) => ({ a: from, b: at(n.kind, n.index), color: NEIGHBOR_EDGE })));
    }
    units.forEach((u, rank) => {
      const c = unitColor(rank);
      colors.set(u.id, c.css);
      if (!show || reviewUnit?.cluster.id === u.id) return;
      // The hovered unit stands out; the others step back while one is hovered.
      const alpha = hoverUnit == null ? 0.55 : hoverUnit === u.id ? 1 : 0.15;
      for (const [a, b] of hullEdges(convexHull(xy, unitPoints(projection, u)))) {
        out.push({ a, b, color: [c.rgba[0], c.rgba[1], c.rgba[2], alpha] });
        owner.set(`${a},${b}`, u.id);
      }
    });
    if (hoverCands && reviewUnit?.cluster.id !== hoverCands.id) {
      const c = colors.get(hoverCands.id);
      const rgba = c ? unitColor(units.findIndex((u) => u.id === hoverCands.id)).rgba : CAND_EDGE.open;
      for (const k of hoverCands.candidates) {
        const a = at('caption', k.caption);
        const b = at('image', k.image);
        out.push({ a, b, color: rgba });
        owner.set(`${a},${b}`, hoverCands.id);
      }
    }
    if (reviewUnit) {
      for (const [a, b] of hullEdges(convexHull(xy, unitPoints(projection, reviewUnit.cluster)))) out.push({ a, b, color: OPEN_UNIT_EDGE });
      for (const k of reviewUnit.candidates) {
        const focused = reviewFocus && reviewFocus.image === k.image && reviewFocus.caption === k.caption;
        const color = focused ? CAND_EDGE.focus : k.decision == null ? CAND_EDGE.open : isPositive(k.decision) ? CAND_EDGE.yes : CAND_EDGE.no;
        out.push({ a: at('caption', k.caption), b: at('image', k.image), color });
      }
    }
    return { edges: out, edgeOwner: owner, unitColors: colors };
  }, [detail, projection, inspecting, units, show, hoverUnit, hoverCands, reviewUnit, reviewFocus]);

  const lineKinds = useMemo(() => {
    const k: LineKind[] = [];
    if (detail && inspecting) {
      if (detail.partners.length) k.push({ label: 'annotated partner', rgba: PARTNER_EDGE });
      if (detail.neighbors.some((n) => !n.annotated)) k.push({ label: 'nearest neighbour (not annotated)', rgba: NEIGHBOR_EDGE });
    }
    if (show && units.length) k.push({ label: 'pending unit outline', rgba: null });
    if (reviewUnit) {
      k.push({ label: 'unit in Review', rgba: OPEN_UNIT_EDGE });
      k.push({ label: 'candidate: open', rgba: CAND_EDGE.open }, { label: 'valid', rgba: CAND_EDGE.yes }, { label: 'not valid', rgba: CAND_EDGE.no }, { label: 'focused', rgba: CAND_EDGE.focus });
    }
    return k;
  }, [detail, inspecting, show, units, reviewUnit]);

  const highlighted = useMemo(() => {
    if (!projection) return undefined;
    if (reviewUnit) return unitPoints(projection, reviewUnit.cluster);
    return detail ? detail.neighbors.map((n) => pointOf(projection, n.kind, n.index)) : undefined;
  }, [projection, reviewUnit, detail]);

  return { edges, edgeOwner, unitColors, lineKinds, highlighted, reviewUnitId: reviewUnit?.cluster.id ?? null };
}
