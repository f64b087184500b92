// The points: one shader program, one position VBO and one per-point state VBO for the whole set
// (uploaded once per point set; a frame is one gl.POINTS draw call), plus a small overlay buffer for
// emphasised points (neighbours, the selection) drawn on top.

import type { RGBA } from './colors';
import { GLSL_VIEW, createProgram, setViewUniforms, uniforms, type ViewUniforms } from './gl_util';

const VERTEX = `#version 300 es
precision highp float;
precision highp int;
layout(location = 0) in vec2 a_pos;
layout(location = 1) in uint a_state; // bit 0: caption, bit 1: flagged, bit 2: in the lasso selection
layout(location = 2) in float a_value; // 0..1 colour-ramp value (< 0: none)
layout(location = 3) in vec4 a_rgba;    // colour-by colour (alpha 0: none)
${GLSL_VIEW}
uniform float u_size;   // CSS px
uniform float u_dpr;
uniform int u_mode;     // 0: colour by state, 1: u_color fill, 2: selection ring
uniform vec4 u_colors[3]; // image, caption, flagged
uniform vec4 u_color;
uniform float u_alpha;
uniform float u_maxPx;
uniform int u_hasSelection; // 1: points outside the selection are greyed
uniform vec4 u_dimColor;
out vec4 v_color;
// Sequential ramp (dark purple → teal → yellow, viridis-like) for per-point values.
vec3 ramp(float t) {
  t = clamp(t, 0.0, 1.0);
  vec3 c0 = vec3(0.267, 0.005, 0.329);
  vec3 c1 = vec3(0.229, 0.322, 0.546);
  vec3 c2 = vec3(0.128, 0.567, 0.551);
  vec3 c3 = vec3(0.369, 0.789, 0.383);
  vec3 c4 = vec3(0.993, 0.906, 0.144);
  if (t < 0.25) return mix(c0, c1, t * 4.0);
  if (t < 0.5) return mix(c1, c2, (t - 0.25) * 4.0);
  if (t < 0.75) return mix(c2, c3, (t - 0.5) * 4.0);
  return mix(c3, c4, (t - 0.75) * 4.0);
}
out float v_px;
void main() {
  gl_Position = toClip(a_pos);
  vec4 c = u_color;
  float size = u_size;
  if (u_mode == 0) {
    bool flagged = (a_state & 2u) != 0u;
    c = flagged ? u_colors[2] : ((a_state & 1u) != 0u ? u_colors[1] : u_colors[0]);
    if (!flagged && a_value >= 0.0) c = vec4(ramp(a_value), 0.9);
    // Colour-by replaces every state colour, so the legend beside the map is the whole story.
    if (a_rgba.a > 0.0) c = a_rgba;
    if (flagged) size *= 1.5; // flagged points stand out of dense clouds
    if (u_hasSelection == 1 && (a_state & 4u) == 0u) {
      // Outside the selection: still drawn, for context, but grey and smaller.
      c = u_dimColor;
      size *= 0.8;
    }
  }
  v_color = vec4(c.rgb, c.a * u_alpha);
  v_px = min(size * u_dpr, u_maxPx);
  gl_PointSize = v_px;
}
`;

const FRAGMENT = `#version 300 es
precision highp float;
precision highp int;
in vec4 v_color;
in float v_px;
uniform int u_mode;
uniform vec4 u_outline;
out vec4 outColor;
void main() {
  float r = length(gl_PointCoord * 2.0 - 1.0);
  if (r > 1.0) discard;
  float aa = 2.0 / max(v_px, 1.0);
  float a = 1.0 - smoothstep(1.0 - aa, 1.0, r);
  vec4 c = v_color;
  if (u_mode == 2) {
    a *= smoothstep(0.5 - aa, 0.5, r);
    if (r > 0.78) c = u_outline;
  } else if (u_mode == 1 && r > 0.72) {
    c = u_outline;
  }
  if (a <= 0.0) discard;
  outColor = vec4(c.rgb, c.a * a);
}
`;

const UNIFORMS = [
  'u_center',
  'u_centerLo',
  'u_scale',
  'u_viewport',
  'u_size',
  'u_dpr',
  'u_mode',
  'u_colors',
  'u_color',
  'u_alpha',
  'u_outline',
  'u_maxPx',
  'u_hasSelection',
  'u_dimColor',
] as const;

export interface PointStyle {
  /** Diameter in CSS px. */
  size: number;
  /** Multiplies every colour's alpha. */
  alpha: number;
}

export class PointLayer {
  private readonly program: WebGLProgram;
  private readonly u: Record<(typeof UNIFORMS)[number], WebGLUniformLocation | null>;
  private readonly vao: WebGLVertexArrayObject;
  /** Same buffers read with a stride: every k-th point, for frames drawn while the camera moves. */
  private readonly strideVao: WebGLVertexArrayObject;
  private hasValues = false;
  private readonly posBuf: WebGLBuffer;
  private readonly stateBuf: WebGLBuffer;
  private readonly valueBuf: WebGLBuffer;
  private readonly rgbaBuf: WebGLBuffer;
  private readonly overlayVao: WebGLVertexArrayObject;
  private readonly overlayBuf: WebGLBuffer;
  private readonly maxPointSize: number;
  private count = 0;
  private hasSelection = false;
  /** Reused between state uploads: a selection change at 1M points should not allocate 1 MB. */
  private stateScratch = new Uint8Array(0);

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = createProgram(gl, VERTEX, FRAGMENT);
    this.u = uniforms(gl, this.program, UNIFORMS);
    const range = gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE) as Float32Array | null;
    this.maxPointSize = range && range[1] > 0 ? range[1] : 64;

    this.posBuf = gl.createBuffer()!;
    this.stateBuf = gl.createBuffer()!;
    this.valueBuf = gl.createBuffer()!;
    this.rgbaBuf = gl.createBuffer()!;
    this.vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.stateBuf);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribIPointer(1, 1, gl.UNSIGNED_BYTE, 0, 0);

    this.strideVao = gl.createVertexArray()!;

    this.overlayBuf = gl.createBuffer()!;
    this.overlayVao = gl.createVertexArray()!;
    gl.bindVertexArray(this.overlayVao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.overlayBuf);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  /** Uploads the positions (interleaved x,y; length 2n). Call once per point set. */
  setPositions(xy: Float32Array): void {
    const gl = this.gl;
    this.count = Math.floor(xy.length / 2);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.bufferData(gl.ARRAY_BUFFER, xy.subarray(0, this.count * 2), gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  /**
   * Uploads per-point state from modality (1 = caption), flags (1 = flagged) and the lasso
   * selection (1 = selected; null = no selection, nothing greyed).
   */
  setState(kind: Uint8Array | null, flagged: Uint8Array | null | undefined, selection?: Uint8Array | null): void {
    const gl = this.gl;
    const state = this.stateScratch.length === this.count ? this.stateScratch : (this.stateScratch = new Uint8Array(this.count));
    const sel = selection && selection.length >= this.count ? selection : null;
    this.hasSelection = sel !== null;
    for (let i = 0; i < this.count; i++) {
      state[i] = (kind && kind[i] === 1 ? 1 : 0) | (flagged && flagged[i] ? 2 : 0) | (sel && sel[i] ? 4 : 0);
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.stateBuf);
    gl.bufferData(gl.ARRAY_BUFFER, state, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  /** Uploads per-point ramp values (0..1; negative = default colour), or clears them (null). */
  setValues(values: Float32Array | null | undefined): void {
    const gl = this.gl;
    gl.bindVertexArray(this.vao);
    if (values && values.length >= this.count && this.count > 0) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.valueBuf);
      gl.bufferData(gl.ARRAY_BUFFER, values.subarray(0, this.count), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(2);
      gl.vertexAttribPointer(2, 1, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
      this.hasValues = true;
    } else {
      gl.disableVertexAttribArray(2);
      this.hasValues = false;
    }
    gl.bindVertexArray(null);
  }

  /** Uploads one RGBA byte colour per point (length 4n; alpha 0 = default colour), or clears them (null). */
  setColors(rgba: Uint8Array | null | undefined): void {
    const gl = this.gl;
    gl.bindVertexArray(this.vao);
    if (rgba && rgba.length >= this.count * 4 && this.count > 0) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.rgbaBuf);
      gl.bufferData(gl.ARRAY_BUFFER, rgba.subarray(0, this.count * 4), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(3);
      gl.vertexAttribPointer(3, 4, gl.UNSIGNED_BYTE, true, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    } else {
      gl.disableVertexAttribArray(3);
    }
    gl.bindVertexArray(null);
  }

  get pointCount(): number {
    return this.count;
  }

  private begin(view: ViewUniforms, size: number, alpha: number, mode: number): void {
    const gl = this.gl;
    const u = this.u;
    gl.useProgram(this.program);
    setViewUniforms(gl, u, view);
    gl.uniform1f(u.u_dpr, view.dpr);
    gl.uniform1f(u.u_size, size);
    gl.uniform1f(u.u_maxPx, this.maxPointSize);
    gl.uniform1f(u.u_alpha, alpha);
    gl.uniform1i(u.u_mode, mode);
    // Used where attribute 2 is disabled (no values): the default colours.
    gl.vertexAttrib1f(2, -1);
    gl.vertexAttrib4f(3, 0, 0, 0, 0);
  }

  /**
   * Draws the points in one call, coloured by state: all of them, or with `stride` k > 1 every k-th
   * (the level of detail while the camera moves; dataset order interleaves nothing spatially, so
   * every k-th point is an even thinning of the map).
   */
  draw(view: ViewUniforms, style: PointStyle, colors: readonly [RGBA, RGBA, RGBA], dim: RGBA = [0.62, 0.64, 0.68, 0.35], stride = 1): void {
    if (this.count === 0) return;
    const gl = this.gl;
    this.begin(view, style.size, style.alpha, 0);
    gl.uniform1i(this.u.u_hasSelection, this.hasSelection ? 1 : 0);
    gl.uniform4fv(this.u.u_dimColor, dim);
    gl.uniform4fv(this.u.u_colors, new Float32Array([...colors[0], ...colors[1], ...colors[2]]));
    // WebGL caps a vertex stride at 255 bytes: 31 × 8-byte positions.
    const k = Math.min(31, Math.max(1, Math.floor(stride)));
    if (k === 1) {
      gl.bindVertexArray(this.vao);
      gl.drawArrays(gl.POINTS, 0, this.count);
    } else {
      gl.bindVertexArray(this.strideVao);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 8 * k, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.stateBuf);
      gl.enableVertexAttribArray(1);
      gl.vertexAttribIPointer(1, 1, gl.UNSIGNED_BYTE, k, 0);
      if (this.hasValues) {
        gl.bindBuffer(gl.ARRAY_BUFFER, this.valueBuf);
        gl.enableVertexAttribArray(2);
        gl.vertexAttribPointer(2, 1, gl.FLOAT, false, 4 * k, 0);
      } else gl.disableVertexAttribArray(2);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
      gl.drawArrays(gl.POINTS, 0, Math.ceil(this.count / k));
    }
    gl.bindVertexArray(null);
  }

  /**
   * Draws a few emphasised points (copied out of the uploaded set by index) on top:
   * `ring` draws a selection ring around each, otherwise a filled, outlined dot.
   */
  drawOverlay(
    view: ViewUniforms,
    xy: Float32Array,
    size: number,
    color: RGBA,
    outline: RGBA,
    ring: boolean,
  ): void {
    const n = Math.floor(xy.length / 2);
    if (n === 0) return;
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.overlayBuf);
    gl.bufferData(gl.ARRAY_BUFFER, xy, gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    this.begin(view, size, 1, ring ? 2 : 1);
    gl.uniform4fv(this.u.u_color, color);
    gl.uniform4fv(this.u.u_outline, outline);
    // Attribute 1 is disabled here; its generic value must still be an unsigned int.
    gl.vertexAttribI4ui(1, 0, 0, 0, 0);
    gl.bindVertexArray(this.overlayVao);
    gl.drawArrays(gl.POINTS, 0, n);
    gl.bindVertexArray(null);
  }

  dispose(): void {
    const gl = this.gl;
    gl.deleteBuffer(this.posBuf);
    gl.deleteBuffer(this.stateBuf);
    gl.deleteBuffer(this.valueBuf);
    gl.deleteBuffer(this.rgbaBuf);
    gl.deleteBuffer(this.overlayBuf);
    gl.deleteVertexArray(this.vao);
    gl.deleteVertexArray(this.strideVao);
    gl.deleteVertexArray(this.overlayVao);
    gl.deleteProgram(this.program);
  }
}
