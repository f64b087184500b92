// Typed arrays on SharedArrayBuffers, for the arrays that worker threads read and write in place
// (nn_descent_parallel.ts, projection/epochs_parallel.ts). Never empty, so a zero-length array can
// still be posted.
export const sharedI32 = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
export const sharedF32 = (n: number): Float32Array => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
