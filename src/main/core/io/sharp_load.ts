// sharp (libvips), loaded once on first use; null on a machine where its prebuilt native binary
// cannot load. Callers keep a plain fallback for that case.
export type Sharp = typeof import('sharp').default;
let sharpLoad: Promise<Sharp | null> | null = null;

/** sharp, or null where its native binary cannot load. */
export function loadSharp(): Promise<Sharp | null> {
  sharpLoad ??= import('sharp').then(
    (m) => m.default,
    () => null,
  );
  return sharpLoad;
}
