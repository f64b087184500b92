// Layout-aware matrix products (DESIGN.md "Compute": measure before choosing a layout).
//
// Measured (CONTEXT.md in this folder): on the wasm backend a matMul with transposeA or transposeB
// is 10–25× slower than a plain one, while an explicit transpose followed by a plain matMul costs
// 1.0–1.5×. tfjs's own matMul gradient uses both flags (dA = dC·Bᵀ, dB = Aᵀ·dC), so on wasm every
// backward pass would hit the slow kernels. mm() therefore uses a custom gradient that transposes
// explicitly on wasm; on the cpu and tensorflow backends the flags are as fast or faster, so the
// stock gradient is kept there. Weights are stored in×out so the forward pass is a plain A·B.
import { tf } from './backend.js';

/** True when transposed matMul kernels are slow on the active backend (wasm). */
export function avoidTransposeFlags(): boolean {
  return tf.getBackend() === 'wasm';
}

const mmExplicit = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
});

/** a (m×k) · b (k×n) with a gradient that suits the backend. */
export function mm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return (avoidTransposeFlags() ? mmExplicit(a, b) : tf.matMul(a, b)) as tf.Tensor2D;
}

/** a (m×k) · bᵀ where b is n×k: explicit transpose on wasm, the transposeB flag elsewhere. */
export function mmT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return avoidTransposeFlags() ? mm(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/**
 * x (m×k, a constant input) · w (k×n): the gradient flows to w only, so the backward pass skips
 * the unused dx = dy·wᵀ product (a third of a dense layer's training cost).
 */
export function mmInput(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [wt, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // Tensors the gradient needs must be saved, or the forward scope disposes them.
    save([x]);
    return {
      value: tf.matMul(x, wt as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, [sx]: tf.Tensor[]) => (avoidTransposeFlags() ? tf.matMul(tf.transpose(sx), dy as tf.Tensor2D) : tf.matMul(sx as tf.Tensor2D, dy as tf.Tensor2D, true, false)),
    };
  });
  return f(w) as tf.Tensor2D;
}

/**
 * Rows of a sparse matrix · w (k×n) where the batch touches only the columns `cols` of the sparse
 * matrix: x holds those columns densely (m × cols.length). Only the touched rows of w are gathered
 * (gatherND: on wasm ~20× faster than gather for thousands of indices) and only they receive a
 * gradient (scatterND; tfjs's gather gradient needs UnsortedSegmentSum, which wasm lacks).
 */
export function mmSparseColumns(x: tf.Tensor2D, cols: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const shape = w.shape;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [wt, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x, cols]);
    return {
      value: tf.matMul(x, tf.gatherND(wt, cols) as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, [sx, sc]: tf.Tensor[]) => {
        const g = avoidTransposeFlags() ? tf.matMul(tf.transpose(sx), dy as tf.Tensor2D) : tf.matMul(sx as tf.Tensor2D, dy as tf.Tensor2D, true, false);
        return tf.scatterND(sc, g, shape);
      },
    };
  });
  return f(w) as tf.Tensor2D;
}
