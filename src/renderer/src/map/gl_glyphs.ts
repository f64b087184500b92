// Variance glyphs (SCIENCE §3.3): per point a CSD disk of radius ρ = s·√T (data units, so it scales
// with zoom) and, where the local fit is good and the variance anisotropic, the anisotropy ellipse.
// One instanced draw call: each drawn glyph is a screen-aligned quad whose fragment shader draws the
// disk outline (dashed and hatched where the local fit is poor, R² < 0.5) and the ellipse outline.
//
// Level of detail (glyph_lod.ts): only the glyphs on screen, large enough to see and within the
// per-frame budget are instances. They are chosen on the CPU whenever the camera (or exaggeration, or
// selection) changes and copied into one small dynamic instance buffer with bufferSubData; the full
// per-point attributes stay on the CPU. Under software GL an instance costs vertex work even when it
// collapses, so culling in the shader would not help. The screen radius is capped (`glyphCapPx`:
// at most a quarter of the viewport's smaller side), shape kept, so no single glyph fills the screen.

import type { RGBA } from './colors';
import { GLSL_VIEW, createProgram, setViewUniforms, uniforms, type ViewUniforms } from './gl_util';
import { DEFAULT_GLYPH_LOD, GlyphLod, glyphCapPx, glyphExtents, type GlyphLodOptions, type GlyphLodStats } from './glyph_lod';

const VERTEX = `#version 300 es
precision highp float;
precision highp int;
layout(location = 0) in vec2 a_corner;
layout(location = 1) in vec2 a_pos;
layout(location = 2) in vec4 a_glyph;   // radius, ellipse a, b, angle (data units / radians)
layout(location = 3) in float a_flags;  // bit0 ellipse shown, bit1 low fit, bit2 caption
${GLSL_VIEW}
uniform float u_exag;
uniform float u_maxPx;
out vec2 v_local;
out float v_r;
out vec2 v_ab;
flat out vec2 v_rot;
flat out uint v_flags;
void main() {
  uint flags = uint(a_flags + 0.5);
  float r = a_glyph.x * u_exag * u_scale;
  bool showE = (flags & 1u) != 0u;
  vec2 ab = a_glyph.yz * u_exag * u_scale;
  float ext = max(r, showE ? max(ab.x, ab.y) : 0.0);
  if (!(ext >= 0.75)) {            // sub-pixel (or NaN): nothing to draw
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    return;
  }
  if (ext > u_maxPx) {             // capped: same shape, at most u_maxPx
    float k = u_maxPx / ext;
    r *= k;
    ab *= k;
    ext = u_maxPx;
  }
  float hp = ext + 2.0;            // CSS px, room for the outline (GLYPH_PAD_PX)
  v_local = a_corner * hp;
  gl_Position = toClipPx(a_pos, v_local);
  v_r = r;
  v_ab = ab;
  v_rot = vec2(cos(a_glyph.w), sin(a_glyph.w));
  v_flags = flags;
}
`;

const FRAGMENT = `#version 300 es
precision highp float;
precision highp int;
in vec2 v_local;
in float v_r;
in vec2 v_ab;
flat in vec2 v_rot;
flat in uint v_flags;
uniform vec4 u_imageColor;
uniform vec4 u_captionColor;
uniform vec4 u_ellipseColor;
uniform float u_dpr;
out vec4 outColor;
void main() {
  bool lowFit = (v_flags & 2u) != 0u;
  vec4 base = (v_flags & 4u) != 0u ? u_captionColor : u_imageColor;
  float d = length(v_local);
  float alpha = 0.0;
  vec3 rgb = base.rgb;
  // CSD disk: outline (dashed where the fit is poor) and a faint fill (hatched where it is poor).
  float ring = 1.0 - smoothstep(0.5, 1.3, abs(d - v_r));
  if (lowFit && ring > 0.0) {
    float arc = atan(v_local.y, v_local.x) * v_r;   // arc length in px
    ring *= step(0.5, fract(arc / 7.0));
  }
  alpha = ring * 0.6;
  if (d < v_r) {
    float fillA = 0.025;
    if (lowFit) {
      float s = (gl_FragCoord.x + gl_FragCoord.y) / (6.0 * u_dpr);
      fillA = fract(s) < 0.3 ? 0.12 : 0.01;
    }
    alpha = max(alpha, fillA);
  }
  // Anisotropy ellipse outline.
  if ((v_flags & 1u) != 0u && v_ab.x > 0.0 && v_ab.y > 0.0) {
    float c = v_rot.x, s = v_rot.y;
    vec2 p = vec2(c * v_local.x + s * v_local.y, -s * v_local.x + c * v_local.y);
    vec2 q = p / v_ab;
    float F = dot(q, q) - 1.0;
    vec2 g = 2.0 * p / (v_ab * v_ab);
    float dist = abs(F) / max(length(g), 1e-6);
    float e = 1.0 - smoothstep(0.4, 1.2, dist);
    if (e > 0.0) {
      rgb = mix(rgb, u_ellipseColor.rgb, e);
      alpha = max(alpha, e * u_ellipseColor.a);
    }
  }
  if (alpha <= 0.004) discard;
  outColor = vec4(rgb, alpha * base.a);
}
`;

const UNIFORMS = ['u_center', 'u_centerLo', 'u_scale', 'u_viewport', 'u_exag', 'u_maxPx', 'u_imageColor', 'u_captionColor', 'u_ellipseColor', 'u_dpr'] as const;

/** Floats per instance in the dynamic buffer: x, y, radius, a, b, angle, flags. */
const STRIDE = 7;

export interface GlyphData {
  /** Interleaved x,y per point (the map positions). */
  xy: Float32Array;
  /** CSD disk radius per point, in map (data) units. */
  radius: Float32Array;
  /** n × 3: ellipse semi-axes a, b (data units) and angle (radians). */
  ellipse: Float32Array;
  /** 1 where the ellipse is drawn. */
  shown: Uint8Array;
  /** 1 where the local fit is poor (R² < 0.5): dashed and hatched. */
  lowFit: Uint8Array;
  /** 0 = image, 1 = caption. */
  kind: Uint8Array | null;
}

export class GlyphLayer {
  private readonly program: WebGLProgram;
  private readonly u: Record<(typeof UNIFORMS)[number], WebGLUniformLocation | null>;
  private readonly vao: WebGLVertexArrayObject;
  private readonly cornerBuf: WebGLBuffer;
  private readonly instBuf: WebGLBuffer;
  /** Instance capacity of `instBuf` (floats = STRIDE × capacity). */
  private capacity = 0;
  private staging = new Float32Array(0);
  private chosen = new Uint32Array(0);
  /** Instances in `instBuf` now. */
  private drawn = 0;
  // Per point, CPU side: data-unit glyph (radius, a, b, angle) and flags; and the LOD index.
  private xy: Float32Array | null = null;
  private glyph = new Float32Array(0);
  private flags = new Uint8Array(0);
  private lod: GlyphLod | null = null;
  /** Key of the view the instances were chosen for ('' = choose again). */
  private chosenKey = '';
  /** Points with a positive radius (what the test hook reports). */
  visible = 0;
  /** What the last selection did (null: no glyphs). */
  stats: GlyphLodStats | null = null;
  /** LOD settings; change with `setOptions`. */
  options: GlyphLodOptions = { ...DEFAULT_GLYPH_LOD };

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = createProgram(gl, VERTEX, FRAGMENT);
    this.u = uniforms(gl, this.program, UNIFORMS);
    this.cornerBuf = gl.createBuffer()!;
    this.instBuf = gl.createBuffer()!;
    this.vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.cornerBuf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.instBuf);
    const bytes = 4 * STRIDE;
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 2, gl.FLOAT, false, bytes, 0);
    gl.vertexAttribDivisor(1, 1);
    gl.enableVertexAttribArray(2);
    gl.vertexAttribPointer(2, 4, gl.FLOAT, false, bytes, 8);
    gl.vertexAttribDivisor(2, 1);
    gl.enableVertexAttribArray(3);
    gl.vertexAttribPointer(3, 1, gl.FLOAT, false, bytes, 24);
    gl.vertexAttribDivisor(3, 1);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    this.ensureCapacity(this.options.budget);
  }

  private ensureCapacity(budget: number): void {
    const cap = Math.max(1, Math.floor(budget));
    if (cap === this.capacity) return;
    const gl = this.gl;
    this.capacity = cap;
    this.staging = new Float32Array(STRIDE * cap);
    this.chosen = new Uint32Array(cap);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.instBuf);
    gl.bufferData(gl.ARRAY_BUFFER, this.staging.byteLength, gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    this.drawn = 0;
    this.chosenKey = '';
  }

  /** Changes the LOD settings (budget, sizes); the next draw chooses again. */
  setOptions(opts: Partial<GlyphLodOptions>): void {
    this.options = { ...this.options, ...opts };
    this.ensureCapacity(this.options.budget);
    this.chosenKey = '';
  }

  /** Takes the glyphs (null clears them) and indexes them once; nothing is uploaded until a draw. */
  set(data: GlyphData | null): void {
    const n = data ? Math.floor(data.xy.length / 2) : 0;
    this.chosenKey = '';
    this.drawn = 0;
    if (!data || n === 0 || data.radius.length < n || data.ellipse.length < 3 * n) {
      this.xy = null;
      this.lod = null;
      this.visible = 0;
      this.stats = null;
      return;
    }
    const glyph = new Float32Array(4 * n);
    const flags = new Uint8Array(n);
    let visible = 0;
    for (let i = 0; i < n; i++) {
      const r = data.radius[i];
      glyph[4 * i] = Number.isFinite(r) && r > 0 ? r : 0;
      glyph[4 * i + 1] = data.ellipse[3 * i];
      glyph[4 * i + 2] = data.ellipse[3 * i + 1];
      glyph[4 * i + 3] = data.ellipse[3 * i + 2];
      flags[i] = (data.shown[i] ? 1 : 0) | (data.lowFit[i] ? 2 : 0) | (data.kind && data.kind[i] === 1 ? 4 : 0);
      if (glyph[4 * i] > 0) visible++;
    }
    this.xy = data.xy;
    this.glyph = glyph;
    this.flags = flags;
    this.lod = new GlyphLod(data.xy, glyphExtents(data.radius, data.ellipse, data.shown, n));
    this.visible = visible;
  }

  /** Glyph instances drawn by the last `draw`. */
  get instanceCount(): number {
    return this.drawn;
  }

  /**
   * Chooses the instances for this view (only when the view, exaggeration or `priorityKey` changed)
   * and copies them into the instance buffer.
   */
  private choose(view: ViewUniforms, exaggeration: number, priority: readonly number[], focus: { x: number; y: number } | null, priorityKey: string): void {
    const key = `${view.cx},${view.cy},${view.scale},${view.width},${view.height},${view.dpr},${exaggeration}|${priorityKey}`;
    if (key === this.chosenKey) return;
    this.chosenKey = key;
    const lod = this.lod;
    const xy = this.xy;
    if (!lod || !xy) {
      this.drawn = 0;
      this.stats = null;
      return;
    }
    const o = this.options;
    // The area budget is in device pixels (what software GL fills), so it shrinks on HiDPI screens.
    const dpr2 = Math.max(1, view.dpr * view.dpr);
    const stats = lod.select(view, exaggeration, { ...o, maxAreaPx: o.maxAreaPx / dpr2, priority, focus }, this.chosen);
    const st = this.staging;
    const { glyph, flags, chosen } = this;
    for (let k = 0; k < stats.drawn; k++) {
      const i = chosen[k];
      const b = STRIDE * k;
      st[b] = xy[2 * i];
      st[b + 1] = xy[2 * i + 1];
      st[b + 2] = glyph[4 * i];
      st[b + 3] = glyph[4 * i + 1];
      st[b + 4] = glyph[4 * i + 2];
      st[b + 5] = glyph[4 * i + 3];
      st[b + 6] = flags[i];
    }
    if (stats.drawn > 0) {
      const gl = this.gl;
      gl.bindBuffer(gl.ARRAY_BUFFER, this.instBuf);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, st, 0, STRIDE * stats.drawn);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    }
    this.drawn = stats.drawn;
    this.stats = stats;
  }

  /**
   * Draws the glyphs chosen for `view`. `priority` (e.g. the selected point and its neighbours) and
   * the glyphs around `focus` come first when over budget; `priorityKey` identifies both.
   */
  draw(
    view: ViewUniforms,
    exaggeration: number,
    image: RGBA,
    caption: RGBA,
    ellipse: RGBA,
    priority: readonly number[] = [],
    focus: { x: number; y: number } | null = null,
    priorityKey = '',
  ): void {
    this.choose(view, exaggeration, priority, focus, priorityKey);
    if (this.drawn === 0) return;
    const gl = this.gl;
    const u = this.u;
    gl.useProgram(this.program);
    setViewUniforms(gl, u, view);
    gl.uniform1f(u.u_exag, exaggeration);
    gl.uniform1f(u.u_maxPx, glyphCapPx(this.options, view.width, view.height));
    gl.uniform1f(u.u_dpr, view.dpr);
    gl.uniform4fv(u.u_imageColor, image);
    gl.uniform4fv(u.u_captionColor, caption);
    gl.uniform4fv(u.u_ellipseColor, ellipse);
    gl.bindVertexArray(this.vao);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.drawn);
    gl.bindVertexArray(null);
  }

  dispose(): void {
    const gl = this.gl;
    for (const b of [this.cornerBuf, this.instBuf]) gl.deleteBuffer(b);
    gl.deleteVertexArray(this.vao);
    gl.deleteProgram(this.program);
  }
}
