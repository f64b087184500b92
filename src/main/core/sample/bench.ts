// `npm run bench` part: sample generation speed and peak memory at 1,000 and 50,000 images.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSample } from './generate.js';

export interface SampleBenchRun {
  images: number;
  captions: number;
  seconds: number;
  imagesPerSecond: number;
  /** Seconds per phase (scenes, captions, write, render, embeddings, finish). */
  phases: Record<string, number>;
  /** Highest resident set size sampled during the run (MiB). */
  peakRssMiB: number;
  /** Process-wide maximum RSS so far, from resourceUsage (MiB). */
  maxRssMiB: number;
  meanImagesPerCaption: number;
}

export async function benchSample(sizes: readonly number[] = [1000, 50000]): Promise<object> {
  const runs: SampleBenchRun[] = [];
  for (const images of sizes) {
    const root = mkdtempSync(join(tmpdir(), 'mlens-sample-bench-'));
    try {
      let peak = process.memoryUsage().rss;
      const phases: Record<string, number> = {};
      let phase = '';
      let phaseStart = performance.now();
      const t0 = performance.now();
      const stats = await generateSample({
        out: join(root, 'sample'),
        images,
        seed: 0,
        onProgress: (p) => {
          peak = Math.max(peak, process.memoryUsage().rss);
          if (p.phase !== phase) {
            const now = performance.now();
            if (phase) phases[phase] = round((now - phaseStart) / 1000);
            phase = p.phase;
            phaseStart = now;
          }
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      if (phase) phases[phase] = round((performance.now() - phaseStart) / 1000);
      peak = Math.max(peak, process.memoryUsage().rss);
      runs.push({
        images,
        captions: stats.captions,
        seconds: round(seconds),
        imagesPerSecond: round(images / seconds),
        phases,
        peakRssMiB: round(peak / 2 ** 20),
        maxRssMiB: round(process.resourceUsage().maxRSS / 1024),
        meanImagesPerCaption: stats.imagesPerCaption.true.mean,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return { preset: 'A', size: 128, runs };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
