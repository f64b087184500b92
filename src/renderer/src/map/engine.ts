// The map's imperative core: owns the WebGL2 context, the camera, the picking grid and the input
// handlers of one canvas. MapView.tsx is a thin React wrapper around it. Redraws happen in
// requestAnimationFrame, and only when something changed.

import {
  clamp,
  computeBounds,
  dataToScreen,
  fitCamera,
  panBy,
  sameBounds,
  screenToData,
  zoomAbout,
  type Bounds,
  type Camera,
} from './camera';
import { MAP_COLORS } from './colors';
import { EdgeLayer } from './gl_edges';
import { GlyphLayer } from './gl_glyphs';
import { GLYPH_LOD_HARDWARE, GLYPH_LOD_SOFTWARE, isSoftwareRenderer, sameLodNote, type GlyphLodStats } from './glyph_lod';
import { PointLayer } from './gl_points';
import { FLY_MS } from './fly';
import type { ViewUniforms } from './gl_util';
import { PointGrid, nearestEdge } from './picking';
import { flightAt, flightTarget, type Flight } from './fly';
import { LassoGesture } from './lasso_gesture';
import { normalFrame, normalizePositions, normalView, type NormalFrame } from './normalize';
import type { MapDebug, MapEdge, MapGlyphs, MapViewProps } from './types';

const GLYPH_ELLIPSE: [number, number, number, number] = [0.07, 0.09, 0.15, 0.6];

declare global {
  interface Window {
    __mlensMap?: MapDebug;
  }
}

/** Margin (CSS px) left around the data when fitting. */
const FIT_MARGIN = 24;
/** A press-and-release that moves less than this (CSS px) is a click, not a drag. */
const DRAG_THRESHOLD = 4;
/** Edges are hit within this many CSS px. */
const EDGE_PICK_PX = 5;
const KEY_ZOOM = 1.25;
/**
 * Points drawn per frame while the camera moves, by renderer: under software GL a frame costs over
 * a microsecond per point (1M points: seconds), so a frame drawn because the camera moved shows
 * every k-th point, and everything is drawn once the camera has been still for SETTLE_MS. Judged per
 * frame, not by the clock: a slow frame must not make the next one look "still".
 */
export const MOVING_POINT_BUDGET = { software: 150_000, hardware: 4_000_000 };
const SETTLE_MS = 180;

/** Base point diameter (CSS px) for a set of n points: smaller for denser sets. */
export function basePointSize(n: number): number {
  return clamp(9 - 1.3 * Math.log10(n + 1), 2.5, 8);
}

/** Point diameter at a zoom of `zoom` times the fitted scale: grows slowly when zooming in. */
export function pointSizeAt(n: number, zoom: number): number {
  return basePointSize(n) * clamp(Math.pow(zoom, 0.3), 0.7, 3);
}

/** Hover/click radius (CSS px) for points of the given diameter. */
export function pickRadiusPx(size: number): number {
  return Math.max(6, size / 2 + 3);
}

function edgesKey(edges: readonly MapEdge[] | undefined): string {
  if (!edges || edges.length === 0) return '';
  let s = '';
  for (const e of edges) s += `${e.a},${e.b},${e.color ? e.color.join(' ') : ''};`;
  return s;
}

export class MapEngine {
  /** Why the map cannot be drawn (no WebGL2, shaders failed), or null. */
  readonly error: string | null = null;
  readonly debug: MapDebug;
  frames = 0;
  lastFrameMs = 0;

  private gl: WebGL2RenderingContext | null = null;
  private pointLayer: PointLayer | null = null;
  private edgeLayer: EdgeLayer | null = null;
  private glyphLayer: GlyphLayer | null = null;
  private uploadedGlyphs: MapGlyphs | null | undefined = undefined;
  private uploadedGlyphXY: Float32Array | null | undefined = undefined;
  private uploadedValue: Float32Array | null | undefined = undefined;
  private uploadedColor: Uint8Array | null | undefined = undefined;
  private exaggeration = 1;
  private glyphLodKey: string | undefined = undefined;
  /** The context rasterises on the CPU (SwiftShader, llvmpipe): tighter glyph budgets. */
  private softwareGL = true;
  private cam: Camera = { cx: 0, cy: 0, scale: 1, width: 0, height: 0 };
  private dpr = 1;
  private bounds: Bounds | null = null;
  private fitted = false;
  private fitScale = 1;
  private gridOf: PointGrid | null = null;
  /** Point sets drawn (a new `points.xy` counts once, on its first frame): partial layouts, then the final map. */
  private positionSets = 0;
  private partialSets = 0;
  private positionsPending = false;
  /** The hover and lasso index, built on first use: a layout streaming partial maps never pays for it. */
  private get grid(): PointGrid | null {
    if (!this.gridOf && this.xy) this.gridOf = new PointGrid(this.xy);
    return this.gridOf;
  }
  /** The GPU's frame for positions (normalize.ts) and the positions in it. */
  private frame: NormalFrame = { ox: 0, oy: 0, span: 1 };
  private normXY: Float32Array = new Float32Array(0);
  private uploadedSelection: Uint8Array | null | undefined = undefined;
  private lasso: LassoGesture | null = null;
  private flight: Flight | null = null;
  private flyKey: unknown = undefined;
  /** The camera moved since the last frame was drawn (the moving level of detail). */
  private movedSinceDraw = false;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Stride of the last frame's point draw (1 = every point). */
  private lastStride = 1;

  // What the GL buffers / CPU structures were last built from.
  private xy: Float32Array | null = null;
  private uploadedXY: Float32Array | null | undefined = undefined;
  private uploadedKind: Uint8Array | null | undefined = undefined;
  private uploadedFlagged: Uint8Array | null | undefined = undefined;
  private overlayKey: string | undefined = undefined;
  private edgeKey: string | undefined = undefined;
  private edgeListKey = '';
  private edgeList: MapEdge[] = [];
  private highlightXY = new Float32Array(0);
  private selectedXY = new Float32Array(0);
  /** Selected point then highlighted ones: their glyphs come first when over the glyph budget. */
  private glyphPriority: number[] = [];
  private glyphFocus: { x: number; y: number } | null = null;
  /** Glyph LOD stats last passed to `onGlyphLod` (undefined: never). */
  private reportedLod: GlyphLodStats | null | undefined = undefined;

  private raf = 0;
  private dirty = false;
  private pendingHover: { x: number; y: number } | null = null;
  private hovered: number | null = null;
  private drag: { id: number; x0: number; y0: number; x: number; y: number; moved: boolean } | null = null;
  private readonly resizeObserver: ResizeObserver | null = null;
  private readonly cleanups: Array<() => void> = [];
  private destroyed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly container: HTMLElement,
    private readonly props: () => MapViewProps,
  ) {
    // Live getters (arrow functions see the engine as `this`), enumerable like an object literal's.
    const live = <T>(get: () => T): PropertyDescriptor => ({ get, enumerable: true, configurable: true });
    const fns = { project: (index: number) => this.project(index), fit: () => this.fit() };
    this.debug = Object.defineProperties(fns, {
      pointCount: live(() => this.xy ? Math.floor(this.xy.length / 2) : 0),
      frames: live(() => this.frames),
      positionSets: live(() => this.positionSets),
      partialSets: live(() => this.partialSets),
      lastFrameMs: live(() => this.lastFrameMs),
      glyphCount: live(() => this.glyphLayer && this.uploadedGlyphs ? this.glyphLayer.visible : 0),
      glyphsDrawn: live(() => this.glyphLayer && this.uploadedGlyphs ? this.glyphLayer.instanceCount : 0),
      glyphLod: live(() => {
        const st = this.glyphLayer && this.uploadedGlyphs ? this.glyphLayer.stats : null;
        return st ? { ...st } : null;
      }),
      scale: live(() => this.cam.scale),
      softwareGL: live(() => this.softwareGL),
      pointStride: live(() => this.lastStride),
      camera: live(() => ({ cx: this.cam.cx, cy: this.cam.cy, scale: this.cam.scale, flying: this.flight !== null })),
      center: live(() => ({ x: this.cam.cx, y: this.cam.cy })),
    }) as MapDebug;
    canvas.dataset.ready = 'false';
    const gl = canvas.getContext('webgl2', {
      alpha: true,
      antialias: false,
      premultipliedAlpha: true,
      preserveDrawingBuffer: false,
      powerPreference: 'high-performance',
    });
    if (!gl) {
      this.error = 'WebGL2 is not available here, so the map cannot be drawn. Enable hardware acceleration (or WebGL) and reload.';
      return;
    }
    this.gl = gl;
    try {
      this.initGL();
    } catch (err) {
      this.gl = null;
      this.error = `The map could not start WebGL: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    this.lasso = new LassoGesture(container);
    this.listen();
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => this.resize());
      this.resizeObserver.observe(container);
    }
    this.resize();
  }

  // ---- GL setup ------------------------------------------------------------------------------

  private initGL(): void {
    const gl = this.gl!;
    this.pointLayer = new PointLayer(gl);
    this.edgeLayer = new EdgeLayer(gl);
    this.glyphLayer = new GlyphLayer(gl);
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    this.softwareGL = isSoftwareRenderer(String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? ''));
    gl.enable(gl.BLEND);
    // Straight-alpha colours into a premultiplied canvas.
    gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.disable(gl.DEPTH_TEST);
    gl.clearColor(0, 0, 0, 0);
    this.uploadedXY = undefined;
    this.uploadedKind = undefined;
    this.uploadedFlagged = undefined;
    this.uploadedSelection = undefined;
    this.uploadedValue = undefined;
    this.uploadedColor = undefined;
    this.uploadedGlyphs = undefined;
    this.uploadedGlyphXY = undefined;
    this.glyphLodKey = undefined;
    this.edgeKey = undefined;
  }

  private listen(): void {
    const c = this.canvas;
    type Events = HTMLElementEventMap & { webglcontextlost: Event; webglcontextrestored: Event };
    const on = <K extends keyof Events>(
      type: K,
      fn: (e: Events[K]) => void,
      opts?: AddEventListenerOptions,
    ): void => {
      const listener = fn as EventListener;
      c.addEventListener(type, listener, opts);
      this.cleanups.push(() => c.removeEventListener(type, listener, opts));
    };
    on('pointerdown', (e) => this.onPointerDown(e));
    on('pointermove', (e) => this.onPointerMove(e));
    on('pointerup', (e) => this.onPointerUp(e));
    on('pointercancel', () => {
      this.drag = null;
      this.lasso?.cancel();
      this.updateCursor();
    });
    on('pointerleave', (e) => this.onPointerLeave(e));
    on('wheel', (e) => this.onWheel(e), { passive: false });
    on('dblclick', (e) => {
      e.preventDefault();
      this.fit();
    });
    on('keydown', (e) => this.onKeyDown(e));
    on('webglcontextlost', (e) => {
      e.preventDefault();
      this.pointLayer = null;
      this.edgeLayer = null;
      this.glyphLayer = null;
    });
    on('webglcontextrestored', () => {
      if (!this.gl || this.destroyed) return;
      try {
        this.initGL();
        this.sync();
      } catch {
        // Leave the map blank; a later restore may succeed.
      }
    });
  }

  destroy(): void {
    this.destroyed = true;
    if (this.raf) cancelAnimationFrame(this.raf);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.raf = 0;
    this.resizeObserver?.disconnect();
    this.lasso?.dispose();
    for (const fn of this.cleanups.splice(0)) fn();
    if (this.gl && !this.gl.isContextLost()) {
      this.pointLayer?.dispose();
      this.edgeLayer?.dispose();
      this.glyphLayer?.dispose();
    }
    this.pointLayer = null;
    this.edgeLayer = null;
    this.glyphLayer = null;
    this.gl = null;
  }

  // ---- Props → GPU / CPU state ----------------------------------------------------------------

  /** Brings buffers, grid and overlays in line with the current props; cheap when nothing changed. */
  sync(): void {
    if (this.destroyed) return;
    const p = this.props();
    const pts = p.points;
    const xy = pts ? pts.xy : null;
    let changed = false;

    if (xy !== this.xy) {
      this.xy = xy;
      this.gridOf = null;
      this.positionsPending = !!xy;
      const b = xy ? computeBounds(xy) : null;
      if (p.keepCamera && this.fitted && xy && b) {
        // Another space of the same items: keep the zoom (relative to the fitted scale) and either
        // centre the chosen point or stay where the camera was.
        const zoomRel = this.cam.scale / (this.fitScale || 1);
        this.bounds = b;
        const fitted = fitCamera(b, this.cam.width, this.cam.height, FIT_MARGIN);
        this.fitScale = fitted.scale;
        const c = p.centerOn;
        if (c != null && c >= 0 && 2 * c + 1 < xy.length) {
          this.cam = { ...this.cam, cx: xy[2 * c], cy: xy[2 * c + 1], scale: fitted.scale * zoomRel };
        }
      } else if (!sameBounds(b, this.bounds) || !this.fitted) {
        this.bounds = b;
        this.fitted = false;
        if (this.cam.width > 0 && this.cam.height > 0) this.fit();
      }
      if (!xy || pts?.partial) this.canvas.dataset.ready = 'false';
      this.frame = normalFrame(b);
      this.normXY = xy ? normalizePositions(xy, this.frame) : new Float32Array(0);
      this.overlayKey = undefined;
      this.edgeKey = undefined;
      changed = true;
    }

    const layer = this.pointLayer;
    if (layer) {
      if (this.uploadedXY !== xy) {
        layer.setPositions(this.normXY);
        this.uploadedXY = xy;
        this.uploadedKind = undefined;
        changed = true;
      }
      const kind = pts ? pts.kind : null;
      const flagged = pts?.flagged ?? null;
      const selection = p.selection ?? null;
      if (this.uploadedKind !== kind || this.uploadedFlagged !== flagged || this.uploadedSelection !== selection) {
        layer.setState(kind, flagged, selection);
        this.uploadedKind = kind;
        this.uploadedFlagged = flagged;
        this.uploadedSelection = selection;
        changed = true;
      }
      const value = pts?.value ?? null;
      if (this.uploadedValue !== value || this.uploadedXY !== xy) {
        layer.setValues(value);
        this.uploadedValue = value;
        changed = true;
      }
      const color = pts?.color ?? null;
      if (this.uploadedColor !== color || this.uploadedXY !== xy) {
        layer.setColors(color);
        this.uploadedColor = color;
        changed = true;
      }
    }

    const glyphs = p.glyphs ?? null;
    const gl = this.glyphLayer;
    if (gl && (glyphs !== this.uploadedGlyphs || xy !== this.uploadedGlyphXY)) {
      const n = xy ? Math.floor(xy.length / 2) : 0;
      gl.set(glyphs && xy && glyphs.radius.length === n ? { xy, radius: glyphs.radius, ellipse: glyphs.ellipse, shown: glyphs.shown, lowFit: glyphs.lowFit, kind: pts?.kind ?? null } : null);
      this.uploadedGlyphs = glyphs;
      this.uploadedGlyphXY = xy;
      changed = true;
    }
    const lodKey = JSON.stringify(p.glyphLod ?? {});
    if (gl && lodKey !== this.glyphLodKey) {
      gl.setOptions({ ...(this.softwareGL ? GLYPH_LOD_SOFTWARE : GLYPH_LOD_HARDWARE), ...p.glyphLod });
      this.glyphLodKey = lodKey;
      changed = true;
    }
    const exag = glyphs ? glyphs.exaggeration : 1;
    if (exag !== this.exaggeration) {
      this.exaggeration = exag;
      changed = true;
    }

    const n = xy ? Math.floor(xy.length / 2) : 0;
    const sel = p.selected !== null && p.selected >= 0 && p.selected < n ? p.selected : null;
    const hl = (p.highlighted ?? []).filter((i) => Number.isInteger(i) && i >= 0 && i < n);
    const oKey = `${sel ?? ''}|${hl.join(',')}`;
    if (oKey !== this.overlayKey) {
      this.overlayKey = oKey;
      // Overlays are drawn by the point layer, so they live in its normalised frame.
      const nxy = this.normXY;
      this.highlightXY = new Float32Array(hl.length * 2);
      hl.forEach((i, k) => this.highlightXY.set([nxy[2 * i], nxy[2 * i + 1]], 2 * k));
      this.selectedXY = sel === null ? new Float32Array(0) : new Float32Array([nxy[2 * sel], nxy[2 * sel + 1]]);
      this.glyphPriority = sel === null ? hl : [sel, ...hl];
      this.glyphFocus = sel === null ? null : { x: xy![2 * sel], y: xy![2 * sel + 1] };
      changed = true;
    }

    const eKey = edgesKey(p.edges);
    if (eKey !== this.edgeListKey) {
      this.edgeListKey = eKey;
      this.edgeList = p.edges ? p.edges.slice() : [];
    }
    if (this.edgeLayer && eKey !== this.edgeKey) {
      this.edgeKey = eKey;
      this.edgeLayer.setEdges(xy, this.edgeList, MAP_COLORS.edge.rgba);
      changed = true;
    }

    const fly = p.flyTo ?? null;
    if (fly && fly.key !== this.flyKey && xy && fly.index >= 0 && 2 * fly.index + 1 < xy.length && this.fitted) {
      this.flyKey = fly.key;
      const tx = xy[2 * fly.index];
      const ty = xy[2 * fly.index + 1];
      if (Number.isFinite(tx) && Number.isFinite(ty)) {
        this.flight = { from: { ...this.cam }, to: flightTarget(this.cam, tx, ty, this.fitScale), start: performance.now(), ms: fly.ms ?? 450 };
        changed = true;
      }
    } else if (fly) this.flyKey = fly.key;

    if (changed) this.requestDraw();
  }

  // ---- Camera -------------------------------------------------------------------------------

  fit(): void {
    this.cam = fitCamera(this.bounds, this.cam.width, this.cam.height, FIT_MARGIN);
    this.fitScale = this.cam.scale;
    this.fitted = this.bounds !== null;
    this.requestDraw();
  }

  /** Animates the camera until point `index` is at the centre (zooming in when far out). */
  flyTo(index: number): void {
    const xy = this.xy;
    if (!xy || !Number.isInteger(index) || index < 0 || 2 * index + 1 >= xy.length) return;
    const x = xy[2 * index];
    const y = xy[2 * index + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    this.flight = { from: { ...this.cam }, to: flightTarget(this.cam, x, y, this.fitScale), start: performance.now(), ms: FLY_MS };
    this.requestDraw();
  }

  private resize(): void {
    if (this.destroyed) return;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    this.cam = { ...this.cam, width: w, height: h };
    this.applyCanvasSize();
    if (w > 0 && h > 0) {
      if (!this.fitted) this.fit();
      else this.fitScale = fitCamera(this.bounds, w, h, FIT_MARGIN).scale;
    }
    this.requestDraw();
  }

  /** Sizes the drawing buffer to the CSS size times devicePixelRatio; true when it changed. */
  private applyCanvasSize(): boolean {
    const dpr = window.devicePixelRatio || 1;
    const bw = Math.max(1, Math.round(this.cam.width * dpr));
    const bh = Math.max(1, Math.round(this.cam.height * dpr));
    this.dpr = dpr;
    if (this.canvas.width === bw && this.canvas.height === bh) return false;
    this.canvas.width = bw;
    this.canvas.height = bh;
    return true;
  }

  private zoomLimits(): [number, number] {
    return [this.fitScale * 0.05, this.fitScale * 1e4];
  }

  private zoom(sx: number, sy: number, factor: number): void {
    const [lo, hi] = this.zoomLimits();
    this.cam = zoomAbout(this.cam, sx, sy, factor, Math.min(lo, this.cam.scale), Math.max(hi, this.cam.scale));
    this.markMoved();
    this.requestDraw();
  }

  private pointSize(): number {
    const n = this.xy ? Math.floor(this.xy.length / 2) : 0;
    return pointSizeAt(n, this.cam.scale / (this.fitScale || 1));
  }

  private project(index: number): { x: number; y: number } {
    const xy = this.xy;
    if (!xy || !Number.isInteger(index) || index < 0 || index >= xy.length / 2) {
      throw new RangeError(`No point ${index} on the map`);
    }
    const rect = this.canvas.getBoundingClientRect();
    const s = dataToScreen(this.cam, xy[2 * index], xy[2 * index + 1]);
    return { x: rect.left + s.x, y: rect.top + s.y };
  }

  // ---- Picking ------------------------------------------------------------------------------

  private toData(clientX: number, clientY: number): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return screenToData(this.cam, clientX - rect.left, clientY - rect.top);
  }

  private pickPoint(clientX: number, clientY: number): number | null {
    if (!this.grid || this.cam.width <= 0) return null;
    const d = this.toData(clientX, clientY);
    return this.grid.nearest(d.x, d.y, pickRadiusPx(this.pointSize()) / this.cam.scale);
  }

  private pickEdge(clientX: number, clientY: number): MapEdge | null {
    if (!this.xy || this.edgeList.length === 0) return null;
    const d = this.toData(clientX, clientY);
    const i = nearestEdge(this.xy, this.edgeList, d.x, d.y, EDGE_PICK_PX / this.cam.scale);
    return i === null ? null : this.edgeList[i];
  }

  // ---- Input --------------------------------------------------------------------------------

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0 || this.drag) return;
    this.canvas.focus({ preventScroll: true });
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events have no capturable pointer.
    }
    this.flight = null;
    const p = this.props();
    const tool = p.selectTool ?? 'pan';
    if (this.lasso && p.onLasso && (tool !== 'pan' || e.shiftKey || e.altKey)) {
      // Shift/Alt-drag lassos even with the pan tool; the lasso and marquee tools select on a plain drag.
      const rect = this.canvas.getBoundingClientRect();
      this.lasso.begin(tool === 'marquee' ? 'marquee' : 'lasso', e.clientX - rect.left, e.clientY - rect.top, e.shiftKey, e.altKey, p.selectOp ?? 'replace');
      this.pendingHover = null;
      this.setHover(null, e.clientX, e.clientY);
    }
    this.drag = { id: e.pointerId, x0: e.clientX, y0: e.clientY, x: e.clientX, y: e.clientY, moved: false };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (d && d.id === e.pointerId && this.lasso?.active) {
      const rect = this.canvas.getBoundingClientRect();
      if (Math.hypot(e.clientX - d.x0, e.clientY - d.y0) > DRAG_THRESHOLD) d.moved = true;
      this.lasso.move(e.clientX - rect.left, e.clientY - rect.top);
      return;
    }
    if (d && d.id === e.pointerId) {
      if (!d.moved && Math.hypot(e.clientX - d.x0, e.clientY - d.y0) > DRAG_THRESHOLD) {
        d.moved = true;
        d.x = d.x0;
        d.y = d.y0;
        this.pendingHover = null;
        this.setHover(null, e.clientX, e.clientY);
        this.updateCursor();
      }
      if (d.moved) {
        this.cam = panBy(this.cam, e.clientX - d.x, e.clientY - d.y);
        this.markMoved();
        d.x = e.clientX;
        d.y = e.clientY;
        this.requestDraw();
      }
      return;
    }
    this.pendingHover = { x: e.clientX, y: e.clientY };
    this.requestFrame();
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = null;
    if (this.lasso?.active) {
      const rect = this.canvas.getBoundingClientRect();
      this.lasso.move(e.clientX - rect.left, e.clientY - rect.top);
      const res = d.moved ? this.lasso.end(this.xy, this.grid, (sx, sy) => screenToData(this.cam, sx, sy)) : (this.lasso.cancel(), null);
      if (res) this.props().onLasso?.(res);
      else if (!d.moved) this.click(e.clientX, e.clientY);
    } else if (!d.moved) this.click(e.clientX, e.clientY);
    this.pendingHover = { x: e.clientX, y: e.clientY };
    this.requestFrame();
    this.updateCursor();
  }

  private onPointerLeave(e: PointerEvent): void {
    if (this.drag) return;
    this.pendingHover = null;
    this.setHover(null, e.clientX, e.clientY);
  }

  private click(clientX: number, clientY: number): void {
    const p = this.props();
    const idx = this.pickPoint(clientX, clientY);
    if (idx !== null) {
      p.onClick?.(idx);
      return;
    }
    const edge = p.onEdgeClick ? this.pickEdge(clientX, clientY) : null;
    if (edge) p.onEdgeClick!(edge);
    else p.onClick?.(null);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    let dy = e.deltaY;
    if (e.deltaMode === 1) dy *= 16;
    else if (e.deltaMode === 2) dy *= this.cam.height || 800;
    // Pinch gestures on trackpads arrive as ctrl+wheel with small deltas.
    const factor = Math.exp(-clamp(dy, -500, 500) * (e.ctrlKey ? 0.01 : 0.0015));
    const rect = this.canvas.getBoundingClientRect();
    this.zoom(e.clientX - rect.left, e.clientY - rect.top, factor);
    if (!this.drag) this.pendingHover = { x: e.clientX, y: e.clientY };
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const { width: w, height: h } = this.cam;
    const step = 0.1;
    switch (e.key) {
      case '+':
      case '=':
        this.zoom(w / 2, h / 2, KEY_ZOOM);
        break;
      case '-':
      case '_':
        this.zoom(w / 2, h / 2, 1 / KEY_ZOOM);
        break;
      case '0':
        this.fit();
        break;
      case 'ArrowLeft':
        this.cam = panBy(this.cam, w * step, 0);
        break;
      case 'ArrowRight':
        this.cam = panBy(this.cam, -w * step, 0);
        break;
      case 'ArrowUp':
        this.cam = panBy(this.cam, 0, h * step);
        break;
      case 'ArrowDown':
        this.cam = panBy(this.cam, 0, -h * step);
        break;
      default:
        return;
    }
    e.preventDefault();
    this.markMoved();
    this.requestDraw();
  }

  /** The camera moved: draw thinned until it has been still for SETTLE_MS, then once in full. */
  private markMoved(): void {
    this.movedSinceDraw = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      if (this.lastStride > 1) this.requestDraw();
    }, SETTLE_MS + 20);
  }

  private pointStride(n: number): number {
    const lod = this.props().pointLod;
    const budget = lod?.movingBudget ?? (this.softwareGL ? MOVING_POINT_BUDGET.software : MOVING_POINT_BUDGET.hardware);
    if (n <= budget || !this.movedSinceDraw) return 1;
    // The point layer's stride limit (WebGL: 255-byte vertex stride).
    return Math.min(31, Math.ceil(n / budget));
  }

  private setHover(index: number | null, clientX: number, clientY: number): void {
    if (index === null && this.hovered === null) return;
    this.hovered = index;
    this.props().onHover?.(index, clientX, clientY);
  }

  private processHover(): void {
    const h = this.pendingHover;
    this.pendingHover = null;
    if (!h || this.drag?.moved) return;
    const idx = this.pickPoint(h.x, h.y);
    this.setHover(idx, h.x, h.y);
    this.updateCursor(idx === null && this.props().onEdgeClick ? this.pickEdge(h.x, h.y) !== null : idx !== null);
  }

  private updateCursor(overTarget = false): void {
    this.canvas.style.cursor = this.drag?.moved ? 'grabbing' : overTarget ? 'pointer' : 'grab';
  }

  // ---- Frames -------------------------------------------------------------------------------

  private requestFrame(): void {
    if (!this.raf && !this.destroyed) this.raf = requestAnimationFrame(this.onFrame);
  }

  private requestDraw(): void {
    this.dirty = true;
    this.requestFrame();
  }

  private readonly onFrame = (): void => {
    this.raf = 0;
    if (this.destroyed) return;
    if (this.flight) {
      const { cam, done } = flightAt(this.flight, performance.now());
      this.cam = { ...cam, width: this.cam.width, height: this.cam.height };
      this.flight = done ? null : this.flight;
      this.markMoved();
      this.dirty = true;
      if (!done) this.requestFrame();
    }
    if (this.pendingHover) this.processHover();
    if (this.dirty) {
      this.dirty = false;
      this.draw();
    }
  };

  /** Tells the owner (the glyph legend) when what it would say about the level of detail changes. */
  private reportLod(stats: GlyphLodStats | null): void {
    if (this.reportedLod !== undefined && sameLodNote(this.reportedLod, stats)) return;
    this.reportedLod = stats ? { ...stats } : null;
    this.props().onGlyphLod?.(this.reportedLod);
  }

  private draw(): void {
    const gl = this.gl;
    const points = this.pointLayer;
    const edges = this.edgeLayer;
    if (!gl || !points || !edges || gl.isContextLost()) return;
    const t0 = performance.now();
    if ((window.devicePixelRatio || 1) !== this.dpr) this.applyCanvasSize();
    const cam = this.cam;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (cam.width <= 0 || cam.height <= 0) return;

    const view: ViewUniforms = { cx: cam.cx, cy: cam.cy, scale: cam.scale, width: cam.width, height: cam.height, dpr: this.dpr };
    const pointView: ViewUniforms = { ...view, ...normalView(cam.cx, cam.cy, cam.scale, this.frame) };
    const size = this.pointSize();
    const emphasis = this.selectedXY.length > 0 || this.highlightXY.length > 0;
    if (this.glyphLayer && this.uploadedGlyphs) {
      this.glyphLayer.draw(view, this.exaggeration, MAP_COLORS.image.rgba, MAP_COLORS.caption.rgba, GLYPH_ELLIPSE, this.glyphPriority, this.glyphFocus, this.overlayKey ?? '');
    }
    this.reportLod(this.glyphLayer && this.uploadedGlyphs ? this.glyphLayer.stats : null);
    this.lastStride = this.pointStride(points.pointCount);
    this.movedSinceDraw = false;
    points.draw(
      pointView,
      { size, alpha: emphasis ? 0.55 : 1 },
      [MAP_COLORS.image.rgba, MAP_COLORS.caption.rgba, MAP_COLORS.flagged.rgba],
      undefined,
      this.lastStride,
    );
    edges.draw(view);
    points.drawOverlay(pointView, this.highlightXY, Math.max(size * 1.8, 8), MAP_COLORS.highlighted.rgba, MAP_COLORS.outline.rgba, false);
    points.drawOverlay(pointView, this.selectedXY, Math.max(size * 3.5, 18), MAP_COLORS.selected.rgba, MAP_COLORS.outline.rgba, true);

    this.frames++;
    if (this.positionsPending) {
      this.positionsPending = false;
      this.positionSets++;
      if (this.props().points?.partial) this.partialSets++;
    }
    this.lastFrameMs = performance.now() - t0;
    if (this.xy && !this.props().points?.partial && this.canvas.dataset.ready !== 'true') this.canvas.dataset.ready = 'true';
  }
}
