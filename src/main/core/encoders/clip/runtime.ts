// The @huggingface/transformers runtime, set up for offline use, and the ONNX device choice.
// Importing the library is deferred (it loads onnxruntime-node's native binding) until a CLIP
// encoder actually runs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type Transformers = typeof import('@huggingface/transformers');

let lib: Promise<Transformers> | null = null;

/**
 * Loads @huggingface/transformers with every network path closed: no remote models, no caches
 * written next to the library, and a fetch that refuses. Local folders are loaded by absolute path.
 */
export function loadTransformers(): Promise<Transformers> {
  lib ??= import('@huggingface/transformers').then((t) => {
    const env = t.env;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.useFSCache = false;
    env.useBrowserCache = false;
    env.useCustomCache = false;
    env.localModelPath = '/';
    env.fetch = (input: string | URL): Promise<never> =>
      Promise.reject(new Error(`network access is disabled in Multiplicity Lens (tried ${String(input)})`));
    // Warnings (e.g. "Too many inputs") would otherwise go to the console of every worker.
    env.logLevel = 40; // LogLevel.ERROR
    return t;
  });
  return lib;
}

export type OnnxDevice = 'cuda' | 'cpu';

export interface DeviceChoice {
  device: OnnxDevice;
  /** Why CUDA is not used (null when it is, or when cpu was asked for). */
  reason: string | null;
}

const require_ = createRequire(import.meta.url);

function onnxBinDir(): string | null {
  try {
    const main = require_.resolve('onnxruntime-node');
    return path.join(path.dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/**
 * Picks the ONNX Runtime device: CUDA where onnxruntime-node has its CUDA provider and an NVIDIA
 * driver is present, else cpu with the reason. `prefer` ('auto' by default) or MLENS_ONNX_DEVICE
 * (cpu|cuda|auto) forces one; a forced cuda still falls back to cpu at load time if it fails.
 */
export function chooseOnnxDevice(prefer: 'auto' | OnnxDevice = 'auto'): DeviceChoice {
  const forced = (process.env.MLENS_ONNX_DEVICE ?? '').trim().toLowerCase();
  const want = prefer !== 'auto' ? prefer : forced === 'cpu' || forced === 'cuda' ? forced : 'auto';
  if (want === 'cpu') return { device: 'cpu', reason: null };
  if (want === 'cuda') return { device: 'cuda', reason: null };
  if (!(process.platform === 'linux' && process.arch === 'x64')) {
    return { device: 'cpu', reason: `onnxruntime-node has CUDA only on Linux x64 (this is ${process.platform} ${process.arch})` };
  }
  if (!existsSync('/proc/driver/nvidia/version') && !existsSync('/dev/nvidia0')) {
    return { device: 'cpu', reason: 'no NVIDIA driver found (/proc/driver/nvidia/version is absent)' };
  }
  const bin = onnxBinDir();
  if (!bin || !existsSync(path.join(bin, 'libonnxruntime_providers_cuda.so'))) {
    return {
      device: 'cpu',
      reason: `onnxruntime-node was installed without its CUDA provider (no libonnxruntime_providers_cuda.so in ${bin ?? 'onnxruntime-node/bin'}; the install skips the CUDA download, see .npmrc)`,
    };
  }
  return { device: 'cuda', reason: null };
}
