// Dot products of many row pairs: WebAssembly SIMD when available, a bit-identical JS fallback
// otherwise. Rows live in one float32 memory that the caller fills.
import { dotModuleBytes } from './wasm_dot_module.js';

export type EngineKind = 'wasm-simd' | 'js';

export interface DotEngine {
  readonly kind: EngineKind;
  /** The engine's memory; offsets below are in floats. Rows are `rowFloats` long (a multiple of 4). */
  readonly memory: Float32Array;
  /**
   * out[i·outStride + g] = dot(A_i, B_g) for i < nA, g < nB, where A_i starts at aOff + i·rowFloats
   * and B_g at bOff + g·rowFloats.
   */
  dots(aOff: number, nA: number, bOff: number, nB: number, rowFloats: number, outOff: number, outStride: number): void;
  /** One pair, bit-identical to what dots() writes for it. */
  dot(aOff: number, bOff: number, rowFloats: number): number;
}

/** Gallery rows per tile: a tile (128 × 2 KB at 512 dims) stays in L2 while the block's queries pass over it. */
export const TILE_ROWS = 128;

/** Rows padded to a multiple of 4 floats (zeros), as the kernels need. */
export function paddedRow(dims: number): number {
  return Math.ceil(dims / 4) * 4;
}

/** The kernels' arithmetic in JS: four float32 lane sums, then (l0 + l1) + (l2 + l3). */
export function dotF32x4(mem: Float32Array, aOff: number, bOff: number, rowFloats: number): number {
  const f = Math.fround;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  for (let k = 0; k < rowFloats; k += 4) {
    l0 = f(l0 + f(mem[aOff + k] * mem[bOff + k]));
    l1 = f(l1 + f(mem[aOff + k + 1] * mem[bOff + k + 1]));
    l2 = f(l2 + f(mem[aOff + k + 2] * mem[bOff + k + 2]));
    l3 = f(l3 + f(mem[aOff + k + 3] * mem[bOff + k + 3]));
  }
  return f(f(l0 + l1) + f(l2 + l3));
}

class JsDotEngine implements DotEngine {
  readonly kind = 'js' as const;
  readonly memory: Float32Array;
  constructor(floats: number) {
    this.memory = new Float32Array(floats);
  }
  dots(aOff: number, nA: number, bOff: number, nB: number, rowFloats: number, outOff: number, outStride: number): void {
    const mem = this.memory;
    for (let i = 0; i < nA; i++) {
      for (let g = 0; g < nB; g++) {
        mem[outOff + i * outStride + g] = dotF32x4(mem, aOff + i * rowFloats, bOff + g * rowFloats, rowFloats);
      }
    }
  }
  dot(aOff: number, bOff: number, rowFloats: number): number {
    return dotF32x4(this.memory, aOff, bOff, rowFloats);
  }
}

type Kernel = (a: number, nA: number, b: number, nB: number, rowBytes: number, out: number, outStride: number) => void;

// The node-side tsconfig has no DOM lib, so the WebAssembly globals are typed here.
/** A WebAssembly.Memory (its buffer is a SharedArrayBuffer when it was made shared). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;
let compiledShared: WasmModule | null | undefined;

function compile(shared: boolean): WasmModule | null {
  try {
    const bytes = dotModuleBytes(shared);
    return wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  } catch {
    return null;
  }
}

function dotModule(): WasmModule | null {
  if (compiled === undefined) compiled = compile(false);
  return compiled ?? null;
}

/** The module on a shared memory (null when the runtime lacks SIMD or shared wasm memory). */
function sharedDotModule(): WasmModule | null {
  if (compiledShared === undefined) compiledShared = compile(true);
  return compiledShared ?? null;
}

export function wasmSimdAvailable(): boolean {
  return dotModule() !== null;
}

const PAGE = 65536;
/** wasm32 memory is addressed with 32-bit offsets; stay below 4 GiB. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - PAGE;

class WasmDotEngine implements DotEngine {
  readonly kind = 'wasm-simd' as const;
  readonly memory: Float32Array;
  private readonly kernels: Record<string, Kernel>;

  /** The engine's memory (shared with other threads' engines when made by createSharedDotEngine). */
  readonly wasmMemory: WasmMemory;

  constructor(module: WasmModule, floats: number, existing?: WasmMemory) {
    const bytes = (floats + 1) * 4; // one spare float for dot()
    if (bytes > MAX_BYTES) throw new RangeError(`space too large for the SIMD engine (${(bytes / 2 ** 30).toFixed(1)} GiB)`);
    const pages = Math.ceil(bytes / PAGE);
    const mem = existing ?? new wasm!.Memory({ initial: pages });
    if (mem.buffer.byteLength < bytes) throw new RangeError(`shared engine memory holds ${mem.buffer.byteLength} bytes, ${bytes} needed`);
    this.wasmMemory = mem;
    const instance = new wasm!.Instance(module, { m: { mem } });
    this.kernels = instance.exports as unknown as Record<string, Kernel>;
    this.memory = new Float32Array(mem.buffer, 0, floats + 1);
  }

  /** Runs kernel k<ra>x<rb> directly (used by the layout measurement). */
  kernel(shape: string): Kernel {
    const k = this.kernels[shape];
    if (!k) throw new RangeError(`no kernel ${shape}`);
    return k;
  }

  dots(aOff: number, nA: number, bOff: number, nB: number, rowFloats: number, outOff: number, outStride: number): void {
    const k24 = this.kernels.k2x4;
    const k14 = this.kernels.k1x4;
    const k11 = this.kernels.k1x1;
    const rowBytes = rowFloats * 4;
    const strideBytes = outStride * 4;
    const nA2 = nA & ~1;
    for (let g0 = 0; g0 < nB; g0 += TILE_ROWS) {
      const nt = Math.min(TILE_ROWS, nB - g0);
      const nt4 = nt & ~3;
      const b = (bOff + g0 * rowFloats) * 4;
      const out = (outOff + g0) * 4;
      if (nt4 > 0) {
        if (nA2 > 0) k24(aOff * 4, nA2, b, nt4, rowBytes, out, strideBytes);
        if (nA2 < nA) k14((aOff + nA2 * rowFloats) * 4, 1, b, nt4, rowBytes, out + nA2 * strideBytes, strideBytes);
      }
      if (nt4 < nt) k11(aOff * 4, nA, b + nt4 * rowBytes, nt - nt4, rowBytes, out + nt4 * 4, strideBytes);
    }
  }

  dot(aOff: number, bOff: number, rowFloats: number): number {
    const spare = this.memory.length - 1;
    this.kernels.k1x1(aOff * 4, 1, bOff * 4, 1, rowFloats * 4, spare * 4, 4);
    return this.memory[spare];
  }
}

/**
 * An engine with `floats` floats of memory. 'auto' picks WebAssembly SIMD when the runtime
 * supports it; both engines give identical scores.
 */
export function createDotEngine(floats: number, kind: 'auto' | EngineKind = 'auto'): DotEngine {
  if (kind !== 'js') {
    const module = dotModule();
    if (module) return new WasmDotEngine(module, floats);
    if (kind === 'wasm-simd') throw new Error('WebAssembly SIMD is not available in this runtime');
  }
  return new JsDotEngine(floats);
}

/**
 * A SIMD engine on a shared WebAssembly memory: `attachDotEngine(engine.wasmMemory, floats)` on
 * another thread sees the same rows without a copy. Null when the runtime has no SIMD or no
 * shared wasm memory (callers then stay on one thread). The caller keeps each thread's writes to
 * areas of its own.
 */
export function createSharedDotEngine(floats: number): WasmDotEngine | null {
  const module = sharedDotModule();
  if (!module) return null;
  const pages = Math.ceil(((floats + 1) * 4) / PAGE);
  try {
    return new WasmDotEngine(module, floats, new wasm!.Memory({ initial: pages, maximum: pages, shared: true }));
  } catch {
    return null;
  }
}

/** The engine of another thread over a memory made by createSharedDotEngine. */
export function attachDotEngine(memory: WasmMemory, floats: number): WasmDotEngine {
  const module = sharedDotModule();
  if (!module) throw new Error('WebAssembly SIMD with shared memory is not available in this thread');
  return new WasmDotEngine(module, floats, memory);
}

export { WasmDotEngine };
