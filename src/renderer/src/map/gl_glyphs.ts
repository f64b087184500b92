// Variance glyphs (SCIENCE §3.3): per point a CSD disk of radius ρ = s·√T (data units, so it scales
// with zoom) and, where the local fit is good and the variance anisotropic, the anisotropy ellipse.
// One instanced draw call: each point is a screen-aligned quad whose fragment shader draws the disk
// outline (dashed and hatched where the local fit is poor, R² < 0.5) and the ellipse outline.
// Glyphs smaller than a pixel collapse to a degenerate quad in the vertex shader (no fill cost).

import type { RGBA } from './colors';
import { createProgram, uniforms, type ViewUniforms } from './gl_util';

const VERTEX = `#version 300 es
precision highp float;
precision highp int;
layout(location = 0) in vec2 a_corner;
layout(location = 1) in vec2 a_pos;
layout(location = 2) in vec4 a_glyph;   // radius, ellipse a, b, angle (data units / radians)
layout(location = 3) in uint a_flags;   // bit0 ellipse shown, bit1 low fit, bit2 caption
uniform vec2 u_center;
uniform float u_scale;
uniform vec2 u_viewport;
uniform float u_exag;
out vec2 v_local;
out float v_r;
out vec2 v_ab;
out float v_angle;
flat out uint v_flags;
void main() {
  float r = a_glyph.x * u_exag * u_scale;
  bool showE = (a_flags & 1u) != 0u;
  vec2 ab = a_glyph.yz * u_exag * u_scale;
  float ext = max(r, showE ? max(ab.x, ab.y) : 0.0);
  if (!(ext >= 0.75)) {            // sub-pixel (or NaN): nothing to draw
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    return;
  }
  float hp = ext + 2.0;            // CSS px, room for the outline
  v_local = a_corner * hp;
  vec2 d = (a_pos - u_center) * u_scale + v_local;
  gl_Position = vec4(d * 2.0 / u_viewport, 0.0, 1.0);
  v_r = r;
  v_ab = ab;
  v_angle = a_glyph.w;
  v_flags = a_flags;
}
`;

const FRAGMENT = `#version 300 es
precision highp float;
precision highp int;
in vec2 v_local;
in float v_r;
in vec2 v_ab;
in float v_angle;
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
  if (lowFit) {
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
    float c = cos(v_angle), s = sin(v_angle);
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

const UNIFORMS = ['u_center', 'u_scale', 'u_viewport', 'u_exag', 'u_imageColor', 'u_captionColor', 'u_ellipseColor', 'u_dpr'] as const;

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
  private readonly posBuf: WebGLBuffer;
  private readonly glyphBuf: WebGLBuffer;
  private readonly flagBuf: WebGLBuffer;
  private count = 0;
  /** Points with a positive radius (what the test hook reports). */
  visible = 0;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = createProgram(gl, VERTEX, FRAGMENT);
    this.u = uniforms(gl, this.program, UNIFORMS);
    this.cornerBuf = gl.createBuffer()!;
    this.posBuf = gl.createBuffer()!;
    this.glyphBuf = gl.createBuffer()!;
    this.flagBuf = gl.createBuffer()!;
    this.vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.cornerBuf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 0, 0);
    gl.vertexAttribDivisor(1, 1);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.glyphBuf);
    gl.enableVertexAttribArray(2);
    gl.vertexAttribPointer(2, 4, gl.FLOAT, false, 0, 0);
    gl.vertexAttribDivisor(2, 1);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.flagBuf);
    gl.enableVertexAttribArray(3);
    gl.vertexAttribIPointer(3, 1, gl.UNSIGNED_BYTE, 0, 0);
    gl.vertexAttribDivisor(3, 1);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  /** Uploads the glyphs (null clears them). Lengths are checked against the point count. */
  set(data: GlyphData | null): void {
    const gl = this.gl;
    const n = data ? Math.floor(data.xy.length / 2) : 0;
    if (!data || n === 0 || data.radius.length < n || data.ellipse.length < 3 * n) {
      this.count = 0;
      this.visible = 0;
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
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.bufferData(gl.ARRAY_BUFFER, data.xy.subarray(0, 2 * n), gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.glyphBuf);
    gl.bufferData(gl.ARRAY_BUFFER, glyph, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.flagBuf);
    gl.bufferData(gl.ARRAY_BUFFER, flags, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    this.count = n;
    this.visible = visible;
  }

  get instanceCount(): number {
    return this.count;
  }

  draw(view: ViewUniforms, exaggeration: number, image: RGBA, caption: RGBA, ellipse: RGBA): void {
    if (this.count === 0) return;
    const gl = this.gl;
    const u = this.u;
    gl.useProgram(this.program);
    gl.uniform2f(u.u_center, view.cx, view.cy);
    gl.uniform1f(u.u_scale, view.scale);
    gl.uniform2f(u.u_viewport, view.width, view.height);
    gl.uniform1f(u.u_exag, exaggeration);
    gl.uniform1f(u.u_dpr, view.dpr);
    gl.uniform4fv(u.u_imageColor, image);
    gl.uniform4fv(u.u_captionColor, caption);
    gl.uniform4fv(u.u_ellipseColor, ellipse);
    gl.bindVertexArray(this.vao);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.count);
    gl.bindVertexArray(null);
  }

  dispose(): void {
    const gl = this.gl;
    for (const b of [this.cornerBuf, this.posBuf, this.glyphBuf, this.flagBuf]) gl.deleteBuffer(b);
    gl.deleteVertexArray(this.vao);
    gl.deleteProgram(this.program);
  }
}
