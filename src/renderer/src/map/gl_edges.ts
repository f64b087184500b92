// Line segments between points (gl.LINES): one position VBO and one colour VBO, rebuilt only when
// the edge list or the point set changes.

import type { RGBA } from './colors';
import { GLSL_VIEW, createProgram, setViewUniforms, uniforms, type ViewUniforms } from './gl_util';

const VERTEX = `#version 300 es
precision highp float;
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec4 a_color;
${GLSL_VIEW}
out vec4 v_color;
void main() {
  gl_Position = toClip(a_pos);
  v_color = a_color;
}
`;

const FRAGMENT = `#version 300 es
precision highp float;
in vec4 v_color;
uniform float u_alpha;
out vec4 outColor;
void main() {
  outColor = vec4(v_color.rgb, v_color.a * u_alpha);
}
`;

export interface EdgeInput {
  a: number;
  b: number;
  color?: [number, number, number, number];
}

export class EdgeLayer {
  private readonly program: WebGLProgram;
  private readonly u: Record<'u_center' | 'u_centerLo' | 'u_scale' | 'u_viewport' | 'u_alpha', WebGLUniformLocation | null>;
  private readonly vao: WebGLVertexArrayObject;
  private readonly posBuf: WebGLBuffer;
  private readonly colorBuf: WebGLBuffer;
  private vertices = 0;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = createProgram(gl, VERTEX, FRAGMENT);
    this.u = uniforms(gl, this.program, ['u_center', 'u_centerLo', 'u_scale', 'u_viewport', 'u_alpha'] as const);
    this.posBuf = gl.createBuffer()!;
    this.colorBuf = gl.createBuffer()!;
    this.vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colorBuf);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    gl.bindVertexArray(null);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  /**
   * Builds the segments from point positions and an edge list. Colours are 0..1 RGBA; edges
   * without one use `fallback`. Edges naming missing or non-finite points are left out.
   */
  setEdges(xy: Float32Array | null, edges: readonly EdgeInput[], fallback: RGBA): void {
    const gl = this.gl;
    const n = xy ? Math.floor(xy.length / 2) : 0;
    const pos = new Float32Array(edges.length * 4);
    const col = new Uint8Array(edges.length * 8);
    let v = 0;
    for (const e of edges) {
      if (!xy || !Number.isInteger(e.a) || !Number.isInteger(e.b)) continue;
      if (e.a < 0 || e.b < 0 || e.a >= n || e.b >= n) continue;
      const ax = xy[2 * e.a];
      const ay = xy[2 * e.a + 1];
      const bx = xy[2 * e.b];
      const by = xy[2 * e.b + 1];
      if (!Number.isFinite(ax) || !Number.isFinite(ay) || !Number.isFinite(bx) || !Number.isFinite(by)) continue;
      pos.set([ax, ay, bx, by], v * 2);
      const c = e.color ?? fallback;
      for (let k = 0; k < 2; k++) {
        for (let j = 0; j < 4; j++) col[(v + k) * 4 + j] = Math.round(Math.min(Math.max(c[j], 0), 1) * 255);
      }
      v += 2;
    }
    this.vertices = v;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.bufferData(gl.ARRAY_BUFFER, pos.subarray(0, v * 2), gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colorBuf);
    gl.bufferData(gl.ARRAY_BUFFER, col.subarray(0, v * 4), gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }

  draw(view: ViewUniforms, alpha = 1): void {
    if (this.vertices === 0) return;
    const gl = this.gl;
    gl.useProgram(this.program);
    setViewUniforms(gl, this.u, view);
    gl.uniform1f(this.u.u_alpha, alpha);
    gl.bindVertexArray(this.vao);
    gl.drawArrays(gl.LINES, 0, this.vertices);
    gl.bindVertexArray(null);
  }

  dispose(): void {
    const gl = this.gl;
    gl.deleteBuffer(this.posBuf);
    gl.deleteBuffer(this.colorBuf);
    gl.deleteVertexArray(this.vao);
    gl.deleteProgram(this.program);
  }
}
