// .npy files saved in Fortran order (numpy.asfortranarray, MATLAB/Julia exports) give the same
// space as the same matrix saved in C order, for float32 and float16.
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { encodeNpy, parseNpy } from '../../src/main/core/io/npy.js';
import { cleanupTmp, encodeNpyF16, makeGeneric, matrix, writeFile } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

/** Column-major bytes of a row-major rows × dims matrix, with a header that says so. */
function fortranNpy(data: Float32Array, rows: number, dims: number, dtype: 'float32' | 'float16'): Buffer {
  const colMajor = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < dims; k++) colMajor[k * rows + r] = data[r * dims + k];
  const buf = dtype === 'float32' ? encodeNpy(colMajor, [rows, dims]) : encodeNpyF16(colMajor, [rows, dims]);
  const at = buf.indexOf("'fortran_order': False");
  buf.write("'fortran_order': True ", at, 'latin1'); // same length, the header stays aligned
  return buf;
}

describe('.npy in Fortran order', () => {
  it('a 3 × 4 Fortran-order array reads as its row-major transpose of the stored bytes', () => {
    const m = matrix(3, 4, (r, k) => 10 * r + k);
    const arr = parseNpy(fortranNpy(m, 3, 4, 'float32'));
    expect(arr.shape).toEqual([3, 4]);
    expect(Array.from(arr.data)).toEqual(Array.from(m));
  });

  for (const dtype of ['float32', 'float16'] as const) {
    it(`${dtype}: a dataset's embeddings in Fortran order give the same space as in C order`, async () => {
      const c = makeGeneric({ nImages: 5, captionsPerImage: 2, embeddings: dtype, dims: 6 });
      const f = makeGeneric({ nImages: 5, captionsPerImage: 2, embeddings: dtype, dims: 6 });
      writeFile(f.root, 'embeddings/image.npy', fortranNpy(matrix(5, 6), 5, 6, dtype));
      writeFile(f.root, 'embeddings/text.npy', fortranNpy(matrix(10, 6), 10, 6, dtype));
      const a = await openDataset(c.root);
      const b = await openDataset(f.root);
      expect(b.problems.filter((p) => p.file.startsWith('embeddings'))).toEqual([]);
      expect(b.embeddings?.dtype).toBe(dtype);
      expect(Array.from(b.embeddings!.image)).toEqual(Array.from(a.embeddings!.image));
      expect(Array.from(b.embeddings!.text)).toEqual(Array.from(a.embeddings!.text));
      // row 2 of the image matrix is image 2's vector, not a column of the stored bytes
      expect(Array.from(b.embeddings!.image.subarray(12, 18))).toEqual(Array.from(matrix(5, 6).subarray(12, 18)));
    });
  }
});
