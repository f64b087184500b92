// Level of detail of the map's variance glyphs (src/renderer/src/map/glyph_lod.ts): which glyphs are
// drawn as glyph quads for a view. Pure TypeScript; checked against a brute-force reference.
import { describe, expect, it } from 'vitest';
import {
  GLYPH_PAD_PX,
  GlyphLod,
  glyphCapPx,
  glyphExtents,
  glyphLodNote,
  isSoftwareRenderer,
  sameLodNote,
  selectTop,
  type GlyphLodOptions,
  type GlyphLodView,
} from '../../src/renderer/src/map/glyph_lod';
import { mulberry32 as rng } from '../../src/shared/random.js';

const OPTS: GlyphLodOptions = { budget: 3000, minRadiusPx: 1.5, maxRadiusPx: 64, maxAreaPx: Infinity, focusRadiusPx: 100 };

/** n clustered points with distinct radii 0.05..1.5 map units (ellipses on a third). */
function makeSet(n: number, seed: number): { xy: Float32Array; radius: Float32Array; ellipse: Float32Array; shown: Uint8Array } {
  const r = rng(seed);
  const xy = new Float32Array(2 * n);
  const radius = new Float32Array(n);
  const ellipse = new Float32Array(3 * n);
  const shown = new Uint8Array(n);
  const centres = Array.from({ length: 10 }, () => [r() * 100, r() * 100]);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(r() * centres.length)];
    xy[2 * i] = c[0] + (r() - 0.5) * 12;
    xy[2 * i + 1] = c[1] + (r() - 0.5) * 12;
    radius[i] = 0.05 + 1.45 * r();
    shown[i] = r() < 1 / 3 ? 1 : 0;
    ellipse[3 * i] = radius[i] * (1 + r() * 0.4);
    ellipse[3 * i + 1] = radius[i] * 0.5;
    ellipse[3 * i + 2] = r() * Math.PI;
  }
  return { xy, radius, ellipse, shown };
}

/** Every glyph whose quad touches the viewport and whose radius is at least minRadiusPx. */
function bruteCandidates(xy: Float32Array, ext: Float32Array, view: GlyphLodView, exag: number, o: GlyphLodOptions): number[] {
  const out: number[] = [];
  for (let i = 0; i < ext.length; i++) {
    const e = ext[i] * exag * view.scale;
    if (!(e >= o.minRadiusPx)) continue;
    const h = Math.min(e, o.maxRadiusPx) + GLYPH_PAD_PX;
    const dx = (xy[2 * i] - view.cx) * view.scale;
    const dy = (xy[2 * i + 1] - view.cy) * view.scale;
    if (Math.abs(dx) <= view.width / 2 + h && Math.abs(dy) <= view.height / 2 + h) out.push(i);
  }
  return out;
}

function run(lod: GlyphLod, view: GlyphLodView, exag: number, o: GlyphLodOptions) {
  const out = new Uint32Array(o.budget);
  const stats = lod.select(view, exag, o, out);
  return { stats, chosen: Array.from(out.subarray(0, stats.drawn)) };
}

const sorted = (a: number[]): number[] => a.slice().sort((x, y) => x - y);

describe('glyph level of detail', () => {
  const n = 20_000;
  const set = makeSet(n, 42);
  const ext = glyphExtents(set.radius, set.ellipse, set.shown, n);
  const lod = new GlyphLod(set.xy, ext);
  // Fitted: ~7 px per map unit on 800×600 (glyph radii ≈ 0.35–15 px).
  const fitView: GlyphLodView = { cx: 50, cy: 50, scale: 7, width: 800, height: 600 };

  it('takes the larger of the radius and a shown ellipse axis as the extent, and 0 for bad values', () => {
    const e = glyphExtents(new Float32Array([1, 1, NaN, -2, Infinity]), new Float32Array([2, 1, 0, 2, 1, 0, 3, 1, 0, 1, 1, 0, 1, 1, 0]), new Uint8Array([1, 0, 1, 0, 0]), 5);
    expect(Array.from(e)).toEqual([2, 1, 3, 0, 0]);
  });

  it('returns every glyph when few are on screen and they fit the budget', () => {
    const view: GlyphLodView = { cx: set.xy[0], cy: set.xy[1], scale: 30, width: 400, height: 300 };
    const want = bruteCandidates(set.xy, ext, view, 1, OPTS);
    expect(want.length).toBeGreaterThan(20);
    expect(want.length).toBeLessThan(OPTS.budget);
    const { stats, chosen } = run(lod, view, 1, OPTS);
    expect(stats.limit).toBe('none');
    expect(stats.candidates).toBe(want.length);
    expect(sorted(chosen)).toEqual(want);
    expect(glyphLodNote(stats)).toBeNull();
  });

  it('picks only glyphs on screen, for views all over the map (vs brute force)', () => {
    const r = rng(7);
    for (let q = 0; q < 60; q++) {
      const view: GlyphLodView = { cx: r() * 140 - 20, cy: r() * 140 - 20, scale: 2 + r() * 80, width: 200 + r() * 1000, height: 150 + r() * 700 };
      const want = bruteCandidates(set.xy, ext, view, 1, OPTS);
      const { stats, chosen } = run(lod, view, 1, { ...OPTS, budget: 100_000 });
      expect(stats.candidates).toBe(want.length);
      expect(sorted(chosen)).toEqual(want);
    }
  });

  it('respects the budget and prefers the largest glyphs, drawn largest first', () => {
    const want = bruteCandidates(set.xy, ext, fitView, 1, OPTS);
    expect(want.length).toBeGreaterThan(1000);
    const o = { ...OPTS, budget: 500 };
    const { stats, chosen } = run(lod, fitView, 1, o);
    expect(stats.drawn).toBe(500);
    expect(stats.candidates).toBe(want.length);
    expect(stats.limit).toBe('count');
    const top = want.slice().sort((a, b) => ext[b] - ext[a] || a - b).slice(0, 500);
    expect(sorted(chosen)).toEqual(sorted(top));
    for (let k = 1; k < chosen.length; k++) expect(ext[chosen[k - 1]]).toBeGreaterThanOrEqual(ext[chosen[k]]);
    expect(glyphLodNote(stats)).toContain(`glyphs shown for the 500 largest of ${want.length.toLocaleString('en-US')} on screen; zoom in for more`);
  });

  it('bounds the total quad area, keeping the largest glyphs', () => {
    const o = { ...OPTS, maxAreaPx: 200_000 };
    const { stats, chosen } = run(lod, fitView, 3, o);
    expect(stats.limit).toBe('area');
    expect(stats.drawn).toBeGreaterThan(10);
    let area = 0;
    for (const i of chosen) area += (2 * (Math.min(ext[i] * 3 * fitView.scale, o.maxRadiusPx) + GLYPH_PAD_PX)) ** 2;
    expect(area).toBeLessThanOrEqual(o.maxAreaPx);
    const want = bruteCandidates(set.xy, ext, fitView, 3, o).sort((a, b) => ext[b] - ext[a] || a - b);
    expect(sorted(chosen)).toEqual(sorted(want.slice(0, stats.drawn)));
  });

  it('leaves sub-pixel glyphs to the point sprites and says so', () => {
    const far: GlyphLodView = { cx: 50, cy: 50, scale: 0.5, width: 800, height: 600 };
    const { stats } = run(lod, far, 1, OPTS);
    expect(stats.drawn).toBe(0);
    expect(stats.small).toBe(n);
    expect(glyphLodNote(stats)).toBe('20,000 glyphs under 1.5 px radius shown as plain points; zoom in or raise the exaggeration to see them');
    // Raising the exaggeration brings them back.
    const big = run(lod, far, 20, OPTS).stats;
    expect(big.drawn).toBeGreaterThan(0);
    expect(big.small).toBeLessThan(n);
  });

  it('caps the screen radius at a size and at a quarter of the smaller viewport side', () => {
    expect(glyphCapPx({ maxRadiusPx: 256, maxRadiusFrac: 0.25 }, 1280, 800)).toBe(200);
    expect(glyphCapPx({ maxRadiusPx: 256, maxRadiusFrac: 0.25 }, 4000, 3000)).toBe(256);
    expect(glyphCapPx({ maxRadiusPx: 64 }, 4000, 3000)).toBe(64);
    const o = { ...OPTS, maxRadiusPx: 1000, maxRadiusFrac: 0.25 };
    const view: GlyphLodView = { cx: set.xy[0], cy: set.xy[1], scale: 400, width: 400, height: 300 };
    const { stats, chosen } = run(lod, view, 1, o);
    expect(stats.maxRadiusPx).toBe(75);
    expect(stats.capped).toBe(chosen.filter((i) => ext[i] * view.scale > 75).length);
    expect(stats.capped).toBeGreaterThan(0);
  });

  it('counts glyphs capped at the maximum screen radius', () => {
    const view: GlyphLodView = { cx: set.xy[0], cy: set.xy[1], scale: 200, width: 800, height: 600 };
    const { stats, chosen } = run(lod, view, 1, OPTS);
    const capped = chosen.filter((i) => ext[i] * view.scale > OPTS.maxRadiusPx).length;
    expect(capped).toBeGreaterThan(0);
    expect(stats.capped).toBe(capped);
    expect(glyphLodNote(stats)).toContain(`drawn at the 64 px cap`);
  });

  it('among glyphs at the size cap, draws those nearest the centre of the view first', () => {
    const view: GlyphLodView = { cx: set.xy[0], cy: set.xy[1], scale: 400, width: 1000, height: 800 };
    const o = { ...OPTS, budget: 20 };
    const cand = bruteCandidates(set.xy, ext, view, 1, o).filter((i) => ext[i] * view.scale > o.maxRadiusPx);
    expect(cand.length).toBeGreaterThan(40);
    const { stats, chosen } = run(lod, view, 1, o);
    expect(stats.capped).toBe(20);
    const dist = (i: number): number => Math.hypot(set.xy[2 * i] - view.cx, set.xy[2 * i + 1] - view.cy);
    const nearest = cand.sort((a, b) => dist(a) - dist(b)).slice(0, 20);
    expect(sorted(chosen)).toEqual(sorted(nearest));
  });

  it('draws the selection and its neighbourhood before larger glyphs elsewhere', () => {
    // The smallest visible glyph on screen as the "selected" point.
    const cand = bruteCandidates(set.xy, ext, fitView, 1, OPTS);
    const sel = cand.reduce((a, b) => (ext[b] < ext[a] ? b : a));
    const o = { ...OPTS, budget: 200, priority: [sel], focus: { x: set.xy[2 * sel], y: set.xy[2 * sel + 1] } };
    const { stats, chosen } = run(lod, fitView, 1, o);
    expect(stats.drawn).toBe(200);
    expect(chosen[0]).toBe(sel);
    const fr = (o.focusRadiusPx ?? 0) / fitView.scale;
    const near = cand.filter((i) => i !== sel && Math.hypot(set.xy[2 * i] - o.focus.x, set.xy[2 * i + 1] - o.focus.y) <= fr);
    expect(near.length).toBeGreaterThan(0);
    const nearDrawn = near.length <= 199 ? near : near.sort((a, b) => ext[b] - ext[a]).slice(0, 199);
    expect(new Set(chosen)).toEqual(new Set(chosen.concat(nearDrawn)));
    expect(stats.preferred).toBe(Math.min(200, near.length + 1));
    expect(glyphLodNote(stats)).toContain('around the selection, then the largest');
    // The priority flags are cleared afterwards: without them the smallest glyph is not chosen.
    expect(run(lod, fitView, 1, { ...OPTS, budget: 200 }).chosen).not.toContain(sel);
  });

  it('skips points with no position or no radius and handles empty sets and views', () => {
    const xy = new Float32Array([0, 0, NaN, 1, 2, 2, 3, 3]);
    const small = new GlyphLod(xy, new Float32Array([1, 1, 0, 1]));
    expect(small.count).toBe(2);
    const { stats, chosen } = run(small, { cx: 1, cy: 1, scale: 10, width: 100, height: 100 }, 1, OPTS);
    expect(sorted(chosen)).toEqual([0, 3]);
    expect(stats.candidates).toBe(2);
    expect(run(new GlyphLod(new Float32Array(0), new Float32Array(0)), fitView, 1, OPTS).stats.drawn).toBe(0);
    expect(run(small, { cx: 1, cy: 1, scale: 10, width: 0, height: 100 }, 1, OPTS).stats.drawn).toBe(0);
    expect(run(small, { cx: 1000, cy: 1000, scale: 10, width: 100, height: 100 }, 1, OPTS).stats.drawn).toBe(0);
  });

  it('selectTop puts the k largest keys first, also with many ties', () => {
    const r = rng(3);
    for (const distinct of [5, 1000]) {
      const m = 5000;
      const key = new Float64Array(m);
      const idx = new Uint32Array(m);
      const ex = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        key[i] = Math.floor(r() * distinct);
        idx[i] = i;
        ex[i] = key[i];
      }
      const want = Array.from(key).sort((a, b) => b - a);
      for (const k of [1, 17, 2500, 4999]) {
        const kk = key.slice();
        const ii = idx.slice();
        const ee = ex.slice();
        selectTop(kk, ii, ee, m, k);
        expect(Array.from(kk.subarray(0, k)).sort((a, b) => b - a)).toEqual(want.slice(0, k));
        for (let i = 0; i < m; i++) expect(ee[i]).toBe(key[ii[i]]);
      }
    }
  });

  it('notes only what changes the legend, and recognises software renderers', () => {
    const base = { drawn: 3000, candidates: 100_000, small: 0, capped: 0, preferred: 0, limit: 'count' as const, minRadiusPx: 1.5, maxRadiusPx: 64 };
    expect(glyphLodNote(base)).toBe('glyphs shown for the 3,000 largest of 100,000 on screen; zoom in for more');
    expect(sameLodNote(base, { ...base })).toBe(true);
    expect(sameLodNote(base, { ...base, candidates: 90_000 })).toBe(false);
    expect(sameLodNote({ ...base, limit: 'none', candidates: 5 }, { ...base, limit: 'none', candidates: 6 })).toBe(true);
    expect(sameLodNote(null, null)).toBe(true);
    expect(sameLodNote(base, null)).toBe(false);
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0)')).toBe(false);
  });
});
