// What `mlens doctor --json` (key `backend`) and the status bar show about the tensor backend.
import { initBackend, type SkippedBackend } from './backend.js';

export interface BackendReport {
  /** Active backend: 'tensorflow-gpu', 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  /** GPU name when the CUDA backend is active. */
  gpu: string | null;
  /** Backends earlier in the order that did not start, and why. */
  skipped: SkippedBackend[];
  /** wasm only: SIMD / threads. */
  features?: { simd: boolean; threads: boolean };
  /** Set when no backend could start (then backend is 'none'). */
  error?: string;
}

/** Starts the backend in this process if needed and reports it; never throws. */
export async function backendReport(): Promise<BackendReport> {
  try {
    const b = await initBackend({ log: () => undefined });
    const r: BackendReport = { backend: b.name, gpu: b.gpu, skipped: b.skipped };
    if (b.features) r.features = b.features;
    return r;
  } catch (e) {
    return { backend: 'none', gpu: null, skipped: [], error: (e as Error).message };
  }
}
