// Small WebGL2 helpers: compile and link a program, with readable errors.

import { splitDouble } from './normalize';

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (!shader) throw new Error('WebGL: could not create a shader');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
    const log = gl.getShaderInfoLog(shader) ?? '';
    gl.deleteShader(shader);
    throw new Error(`WebGL: shader did not compile: ${log}`);
  }
  return shader;
}

export function createProgram(gl: WebGL2RenderingContext, vertex: string, fragment: string): WebGLProgram {
  const vs = compile(gl, gl.VERTEX_SHADER, vertex);
  const fs = compile(gl, gl.FRAGMENT_SHADER, fragment);
  const program = gl.createProgram();
  if (!program) throw new Error('WebGL: could not create a program');
  gl.attachShader(program, vs);
  gl.attachShader(program, fs);
  gl.linkProgram(program);
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
    const log = gl.getProgramInfoLog(program) ?? '';
    gl.deleteProgram(program);
    throw new Error(`WebGL: program did not link: ${log}`);
  }
  return program;
}

export function uniforms<K extends string>(
  gl: WebGL2RenderingContext,
  program: WebGLProgram,
  names: readonly K[],
): Record<K, WebGLUniformLocation | null> {
  const out = {} as Record<K, WebGLUniformLocation | null>;
  for (const name of names) out[name] = gl.getUniformLocation(program, name);
  return out;
}

/** The view transform shared by the point and edge shaders (see camera.ts for the spaces). */
export interface ViewUniforms {
  cx: number;
  cy: number;
  /** CSS px per data unit. */
  scale: number;
  /** Viewport in CSS px. */
  width: number;
  height: number;
  dpr: number;
}

/**
 * GLSL for the data → clip transform (declares u_center, u_scale, u_viewport): `toClip(p)` for a data
 * point, `toClipPx(p, px)` for a data point moved by `px` CSS pixels (instanced quads).
 */
export const GLSL_VIEW = `
uniform vec2 u_center;   // float32 high part of the camera centre
uniform vec2 u_centerLo; // the float64 remainder (normalize.ts)
uniform float u_scale;
uniform vec2 u_viewport;
vec4 toClipPx(vec2 p, vec2 px) {
  vec2 d = ((p - u_center) - u_centerLo) * u_scale + px;
  return vec4(d * 2.0 / u_viewport, 0.0, 1.0);
}
vec4 toClip(vec2 p) {
  return toClipPx(p, vec2(0.0));
}
`;

/** Sets the uniforms GLSL_VIEW declares (the program must be in use). */
export function setViewUniforms(
  gl: WebGL2RenderingContext,
  u: Record<'u_center' | 'u_scale' | 'u_viewport', WebGLUniformLocation | null> & { u_centerLo?: WebGLUniformLocation | null },
  view: ViewUniforms,
): void {
  const [hx, lx] = splitDouble(view.cx);
  const [hy, ly] = splitDouble(view.cy);
  gl.uniform2f(u.u_center, hx, hy);
  if (u.u_centerLo) gl.uniform2f(u.u_centerLo, lx, ly);
  gl.uniform1f(u.u_scale, view.scale);
  gl.uniform2f(u.u_viewport, view.width, view.height);
}
