import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Three sections, as in electron-vite's template: main (Node side, also the CLI, browser-mode
// server, benchmarks and worker threads), preload (sandboxed, so CommonJS), renderer (React).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          serve: resolve('src/main/serve.ts'),
          cli: resolve('src/main/cli.ts'),
          bench: resolve('src/main/bench.ts'),
          'bench/projection_run': resolve('src/main/bench/projection_run.ts'),
          'bench/open_1m_run': resolve('src/main/bench/open_1m_run.ts'),
          'workers/umap': resolve('src/main/workers/umap.worker.ts'),
          'workers/epochs': resolve('src/main/workers/epochs.worker.ts'),
          'workers/nnd': resolve('src/main/workers/nnd.worker.ts'),
          'workers/encode': resolve('src/main/workers/encode.worker.ts'),
          'workers/mine': resolve('src/main/workers/mine.worker.ts'),
          'workers/train': resolve('src/main/workers/train.worker.ts'),
          'workers/metrics': resolve('src/main/workers/metrics.worker.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        // Dev-only tools the benchmarks load from node_modules at run time.
        external: ['playwright-core'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html'), bench: resolve('src/renderer/bench.html') } },
    },
    plugins: [react()],
  },
});
