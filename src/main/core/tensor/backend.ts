// The tensor backend, chosen once per process or worker thread (DESIGN.md "Compute"):
// @tensorflow/tfjs-node-gpu (CUDA) → @tensorflow/tfjs-node → @tensorflow/tfjs-backend-wasm → cpu.
// The two Node packages are optionalDependencies (they download libtensorflow when installed), so
// each may be absent; the reason a backend was skipped is kept and logged once.
// MLENS_BACKEND=tensorflow-gpu|tensorflow|wasm|cpu forces one (an unknown value is an error).
//
// The wasm binaries are loaded from node_modules/@tensorflow/tfjs-backend-wasm/dist (never a CDN):
// the path is resolved with require.resolve, which works from the sources (vitest) and from the
// built bundle (out/main/…), where the package stays external.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's node bundle ships no gradients; tfjs-layers' node bundle registers all of them in the
// global registry when loaded (what the @tensorflow/tfjs umbrella package does), so training works.
import '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export { tf };

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface SkippedBackend {
  name: BackendName;
  reason: string;
}

export interface BackendInfo {
  name: BackendName;
  /** tfjs's own backend name ('tensorflow', 'wasm', 'cpu'). */
  tfName: string;
  /** GPU name when the CUDA backend is active, else null. */
  gpu: string | null;
  /** Why earlier backends in the order were skipped. */
  skipped: SkippedBackend[];
  /** wasm only: SIMD and threads available. */
  features?: { simd: boolean; threads: boolean };
}

export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
export const NOT_INSTALLED = 'package not installed';

const PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

const require_ = createRequire(import.meta.url);
let current: Promise<BackendInfo> | null = null;

/** Hooks for tests: pretend a package resolves (or not) without installing it. */
export interface BackendHooks {
  resolve?: (pkg: string) => string;
  load?: (pkg: string) => unknown;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function gpuName(): string {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 3000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const names = out.split('\n').map((s) => s.trim()).filter(Boolean);
    if (names.length) return names.join(', ');
  } catch {
    // no nvidia-smi: the CUDA build still loaded, name unknown
  }
  return 'CUDA GPU';
}

/** Folder holding tfjs-backend-wasm's .wasm files, with a trailing slash. */
export function wasmDir(resolve: (pkg: string) => string = require_.resolve): string {
  const dir = dirname(resolve('@tensorflow/tfjs-backend-wasm'));
  const file = join(dir, 'tfjs-backend-wasm.wasm');
  if (!existsSync(file)) throw new Error(`${file} is missing (reinstall @tensorflow/tfjs-backend-wasm)`);
  return `${dir}/`;
}

async function tryBackend(name: BackendName, hooks: BackendHooks): Promise<Omit<BackendInfo, 'name' | 'skipped'>> {
  const resolve = hooks.resolve ?? ((p: string) => require_.resolve(p));
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const pkg = PACKAGES[name];
    try {
      resolve(pkg);
    } catch {
      throw new Error(NOT_INSTALLED);
    }
    // Loading registers the 'tensorflow' backend with tfjs-core (same module instance: tfjs-core
    // has no "exports" map, so ESM import and require both load its CommonJS node bundle).
    (hooks.load ?? require_)(pkg);
    if (!tf.findBackendFactory('tensorflow')) throw new Error(`${pkg} loaded but registered no tensorflow backend`);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the tensorflow backend did not start`);
    return { tfName: 'tensorflow', gpu: name === 'tensorflow-gpu' ? gpuName() : null };
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDir(resolve));
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    return { tfName: 'wasm', gpu: null, features: { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') } };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not start');
  return { tfName: 'cpu', gpu: null };
}

/** Parses MLENS_BACKEND (or a forced value): undefined/'' → automatic; unknown → error. */
export function parseBackend(value: string | undefined): BackendName | null {
  if (value == null || value.trim() === '' || value.trim() === 'auto') return null;
  const v = value.trim().toLowerCase();
  if (!BACKEND_ORDER.includes(v as BackendName)) throw new Error(`MLENS_BACKEND=${value} is not one of ${BACKEND_ORDER.join(', ')} (or auto)`);
  return v as BackendName;
}

async function choose(force: string | undefined, log: (line: string) => void, hooks: BackendHooks): Promise<BackendInfo> {
  const forced = parseBackend(force);
  // Production mode only silences tfjs's console advice (e.g. the cpu backend's "install
  // tfjs-node" banner); the choice and its reasons are reported through `log` instead.
  tf.env().set('PROD', true);
  const order = forced ? [forced] : BACKEND_ORDER;
  const skipped: SkippedBackend[] = [];
  for (const name of order) {
    try {
      const r = await tryBackend(name, hooks);
      await tf.ready();
      if (skipped.length) log(`tensor backend: ${name} (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`);
      return { name, ...r, skipped };
    } catch (e) {
      skipped.push({ name, reason: firstLine(e) });
    }
  }
  throw new Error(`no tensor backend could start${forced ? ` (MLENS_BACKEND=${forced})` : ''}: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * Starts the backend once per process (or worker thread) and returns what was chosen. Later calls
 * return the first choice, whatever their options.
 */
export function initBackend(opts: { force?: string; log?: (line: string) => void; hooks?: BackendHooks } = {}): Promise<BackendInfo> {
  if (!current) {
    const p = choose(opts.force ?? process.env.MLENS_BACKEND, opts.log ?? ((l) => console.error(l)), opts.hooks ?? {});
    // A failed choice is not remembered: the caller may fix MLENS_BACKEND and retry.
    p.catch(() => {
      if (current === p) current = null;
    });
    current = p;
  }
  return current;
}

/** For tests: forget the choice so the next initBackend chooses again. */
export function resetBackendChoice(): void {
  current = null;
}
