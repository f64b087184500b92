// Seeded Gaussian clusters (the projection tests' and benchmarks' shape of data), rows not normalised.
import { mulberry32 } from '../../src/shared/random.js';

export function clusteredRows(n: number, dims: number, clusters: number, seed: number, spread = 0.35): { rows: Float32Array; labels: Int32Array } {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = Float32Array.from({ length: clusters * dims }, gauss);
  const rows = new Float32Array(n * dims);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rnd() * clusters);
    labels[i] = c;
    for (let d = 0; d < dims; d++) rows[i * dims + d] = centres[c * dims + d] + spread * gauss();
  }
  return { rows, labels };
}
