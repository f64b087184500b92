// A hand-assembled WebAssembly SIMD module with dot-product kernels over row-major float32 rows.
//
// Why: the scores of a 5,000 × 25,000 × 512 problem are 6.4e10 multiply-adds; scalar JS reaches
// about 0.9e9/s on the development machine, f32x4 SIMD with register blocking about 11e9/s
// (CONTEXT.md has the figures). Every kernel computes each pair the same way, so a score never
// depends on which kernel or block produced it: lane l accumulates the products of dims ≡ l (mod 4)
// in float32 (multiply, round, add, round), then (l0 + l1) + (l2 + l3). dotF32x4 in dot_engine.ts
// reproduces this bit for bit in JS.
//
// Exports k<RA>x<RB>(a, nA, b, nB, rowBytes, out, outStrideBytes): for i < nA, g < nB,
// f32 out[i·outStride + g] = dot(a_i, b_g). Pointers and strides are in bytes; rowBytes is a
// positive multiple of 16; nA and nB must be multiples of RA and RB. Memory is imported as m.mem.

export const KERNEL_SHAPES: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, 4],
  [2, 2],
  [2, 4],
  [4, 2],
];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

const I32 = 0x7f;
const V128 = 0x7b;
const localGet = (i: number): number[] => [0x20, ...uleb(i)];
const localSet = (i: number): number[] => [0x21, ...uleb(i)];
const localTee = (i: number): number[] => [0x22, ...uleb(i)];
const i32Const = (n: number): number[] => [0x41, ...sleb(n)];
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_GE_U = [0x4f];
const I32_LT_U = [0x49];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (depth: number): number[] => [0x0d, depth];
const br = (depth: number): number[] => [0x0c, depth];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V128_LOAD = [...simd(0x00), 4, 0];
const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const f32x4Lane = (l: number): number[] => [...simd(0x1f), l];
const F32_ADD = [0x92];
const F32_STORE = [0x38, 2, 0];

function kernelBody(ra: number, rb: number): number[] {
  // params: 0 a, 1 nA, 2 b, 3 nB, 4 rowBytes, 5 out, 6 outStride
  let next = 7;
  const i = next++;
  const g = next++;
  const k = next++;
  const pa = Array.from({ length: ra }, () => next++);
  const pb = Array.from({ length: rb }, () => next++);
  const nI32 = next - 7;
  const firstV = next;
  const va = Array.from({ length: ra }, () => next++);
  const vb = Array.from({ length: rb }, () => next++);
  const acc = Array.from({ length: ra * rb }, () => next++);
  const nV128 = next - firstV;
  const c: number[] = [];
  c.push(...i32Const(0), ...localSet(i));
  c.push(...BLOCK, ...LOOP, ...localGet(i), ...localGet(1), ...I32_GE_U, ...brIf(1));
  c.push(...i32Const(0), ...localSet(g));
  c.push(...BLOCK, ...LOOP, ...localGet(g), ...localGet(3), ...I32_GE_U, ...brIf(1));
  for (const a of acc) c.push(...V128_ZERO, ...localSet(a));
  for (let x = 0; x < ra; x++) {
    c.push(...localGet(i), ...i32Const(x), ...I32_ADD, ...localGet(4), ...I32_MUL, ...localGet(0), ...I32_ADD, ...localSet(pa[x]));
  }
  for (let y = 0; y < rb; y++) {
    c.push(...localGet(g), ...i32Const(y), ...I32_ADD, ...localGet(4), ...I32_MUL, ...localGet(2), ...I32_ADD, ...localSet(pb[y]));
  }
  c.push(...i32Const(0), ...localSet(k));
  c.push(...LOOP);
  for (let x = 0; x < ra; x++) c.push(...localGet(pa[x]), ...localGet(k), ...I32_ADD, ...V128_LOAD, ...localSet(va[x]));
  for (let y = 0; y < rb; y++) c.push(...localGet(pb[y]), ...localGet(k), ...I32_ADD, ...V128_LOAD, ...localSet(vb[y]));
  for (let x = 0; x < ra; x++) {
    for (let y = 0; y < rb; y++) {
      const a = acc[x * rb + y];
      c.push(...localGet(a), ...localGet(va[x]), ...localGet(vb[y]), ...F32X4_MUL, ...F32X4_ADD, ...localSet(a));
    }
  }
  c.push(...localGet(k), ...i32Const(16), ...I32_ADD, ...localTee(k), ...localGet(4), ...I32_LT_U, ...brIf(0));
  c.push(...END);
  for (let x = 0; x < ra; x++) {
    for (let y = 0; y < rb; y++) {
      const a = acc[x * rb + y];
      // address: out + (i + x)·outStride + (g + y)·4
      c.push(...localGet(i), ...i32Const(x), ...I32_ADD, ...localGet(6), ...I32_MUL, ...localGet(5), ...I32_ADD);
      c.push(...localGet(g), ...i32Const(y), ...I32_ADD, ...i32Const(4), ...I32_MUL, ...I32_ADD);
      c.push(...localGet(a), ...f32x4Lane(0), ...localGet(a), ...f32x4Lane(1), ...F32_ADD);
      c.push(...localGet(a), ...f32x4Lane(2), ...localGet(a), ...f32x4Lane(3), ...F32_ADD, ...F32_ADD, ...F32_STORE);
    }
  }
  c.push(...localGet(g), ...i32Const(rb), ...I32_ADD, ...localSet(g), ...br(0), ...END, ...END);
  c.push(...localGet(i), ...i32Const(ra), ...I32_ADD, ...localSet(i), ...br(0), ...END, ...END);
  c.push(...END);
  const body = [...vector([[...uleb(nI32), I32], [...uleb(nV128), V128]]), ...c];
  return [...uleb(body.length), ...body];
}

/**
 * The module's bytes (about 1 KB). `shared`: the imported memory is a shared one (limits flag 3,
 * at most 65,536 pages), so one copy of the rows serves worker threads (nn_descent_parallel.ts).
 */
export function dotModuleBytes(shared = false): Uint8Array {
  const types = section(1, vector([[0x60, ...vector(new Array(7).fill([I32])), 0]]));
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const imports = section(2, vector([[...name('m'), ...name('mem'), 0x02, ...limits]]));
  const funcs = section(3, vector(KERNEL_SHAPES.map(() => [0])));
  const exports = section(7, vector(KERNEL_SHAPES.map(([a, b], ix) => [...name(`k${a}x${b}`), 0x00, ix])));
  const code = section(10, vector(KERNEL_SHAPES.map(([a, b]) => kernelBody(a, b))));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}
