// The tensor backend: fallback order with the optional Node packages absent (as on this machine and
// any offline install), MLENS_BACKEND forcing, the wasm binaries from node_modules, and the
// layout-aware products' gradients.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BACKEND_ORDER, initBackend, NOT_INSTALLED, resetBackendChoice, tf, wasmDir } from '../../src/main/core/tensor/backend.js';
import { mm, mmInput, mmSparseColumns, mmT } from '../../src/main/core/tensor/linalg.js';
import { backendReport } from '../../src/main/core/tensor/report.js';
import { root } from '../helpers/server.js';

const saved = process.env.MLENS_BACKEND;
afterEach(() => {
  if (saved == null) delete process.env.MLENS_BACKEND;
  else process.env.MLENS_BACKEND = saved;
  resetBackendChoice();
});

describe('tensor backend', () => {
  it('skips tensorflow-gpu and tensorflow (package not installed) and lands on wasm, logging once', async () => {
    delete process.env.MLENS_BACKEND;
    expect(BACKEND_ORDER).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    const lines: string[] = [];
    const b = await initBackend({ log: (l) => lines.push(l) });
    expect(b.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(b.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: NOT_INSTALLED },
      { name: 'tensorflow', reason: NOT_INSTALLED },
    ]);
    expect(b.gpu).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/wasm.*tensorflow-gpu: package not installed/);
    // The choice is made once per thread.
    expect(await initBackend({ force: 'cpu' })).toBe(b);
    expect(lines).toHaveLength(1);
    // It computes.
    expect(Array.from(await tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).data())).toEqual([11]);
  });

  it('loads the .wasm binaries from node_modules, never a URL', () => {
    const dir = wasmDir();
    expect(dir.startsWith(join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'))).toBe(true);
    expect(existsSync(join(dir, 'tfjs-backend-wasm.wasm'))).toBe(true);
    expect(existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });

  it('MLENS_BACKEND=cpu forces cpu; an unknown value is an error naming the choices', async () => {
    process.env.MLENS_BACKEND = 'cpu';
    const b = await initBackend();
    expect(b.name).toBe('cpu');
    expect(b.skipped).toEqual([]);
    resetBackendChoice();
    process.env.MLENS_BACKEND = 'tpu';
    await expect(initBackend()).rejects.toThrow(/MLENS_BACKEND=tpu is not one of tensorflow-gpu, tensorflow, wasm, cpu/);
    // A failed choice is not remembered.
    process.env.MLENS_BACKEND = 'wasm';
    expect((await initBackend()).name).toBe('wasm');
  });

  it('a forced backend that cannot start is an error, not a silent fallback', async () => {
    await expect(initBackend({ force: 'tensorflow' })).rejects.toThrow(/no tensor backend could start \(MLENS_BACKEND=tensorflow\): tensorflow: package not installed/);
  });

  it('a package that is installed but fails to load is skipped with its own reason', async () => {
    const req = createRequire(import.meta.url);
    const b = await initBackend({
      log: () => undefined,
      hooks: {
        resolve: (pkg) => (pkg.includes('tfjs-node') ? `/fake/node_modules/${pkg}/index.js` : req.resolve(pkg)),
        load: () => {
          throw new Error('libtensorflow.so.2: cannot open shared object file\nmore detail');
        },
      },
    });
    expect(b.name).toBe('wasm');
    expect(b.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: 'libtensorflow.so.2: cannot open shared object file' },
      { name: 'tensorflow', reason: 'libtensorflow.so.2: cannot open shared object file' },
    ]);
  });

  it('backendReport gives the key doctor shows', async () => {
    const r = await backendReport();
    expect(r.backend).toBe('wasm');
    expect(r.gpu).toBeNull();
    expect(r.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
  });
});

describe('layout-aware products (tensor/linalg.ts)', () => {
  it('give the same values and gradients as plain matMul on wasm', async () => {
    await initBackend({ force: 'wasm' });
    const a = tf.tensor2d([[1, 2, 0.5], [-1, 0, 3]]);
    const b = tf.tensor2d([[0.5, -2], [1, 1], [2, 0]]);
    const bt = tf.transpose(b) as tf.Tensor2D;
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))))([a, b]);
    const got = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(mm(x as tf.Tensor2D, y as tf.Tensor2D))))([a, b]);
    for (let i = 0; i < 2; i++) expect(Array.from(await got[i].data())).toEqual(Array.from(await ref[i].data()));
    expect(Array.from(await mmT(a, bt).data())).toEqual(Array.from(await tf.matMul(a, b).data()));
    const gw = tf.grad((w: tf.Tensor) => tf.sum(tf.square(mmInput(a, w as tf.Tensor2D))))(b);
    expect(Array.from(await gw.data())).toEqual(Array.from(await ref[1].data()));
    // Sparse rows restricted to columns 0 and 2 of a 4×2 weight matrix.
    const w = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const x = tf.tensor2d([[1, 0.5], [0, 2]]);
    const cols = tf.tensor2d([0, 2], [2, 1], 'int32');
    const dense = tf.tensor2d([[1, 0, 0.5, 0], [0, 0, 2, 0]]);
    expect(Array.from(await mmSparseColumns(x, cols, w).data())).toEqual(Array.from(await tf.matMul(dense, w).data()));
    const gs = tf.grad((v: tf.Tensor) => tf.sum(tf.square(mmSparseColumns(x, cols, v as tf.Tensor2D))))(w);
    const gd = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.matMul(dense, v as tf.Tensor2D))))(w);
    expect(Array.from(await gs.data())).toEqual(Array.from(await gd.data()));
  });
});
