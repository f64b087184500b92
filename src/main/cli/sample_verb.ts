// `mlens sample`: generate the synthetic sample dataset.
import { join, resolve } from 'node:path';
import { generateSample } from '../core/sample/generate.js';
import { generateDigits } from '../core/sample/digits_world.js';
import { defaultDataDir } from '../core/io/data_dir.js';
import { numOpt, opt, UsageError } from './args.js';
import { progressBar } from './progress.js';
import { json, print, type Verb } from './verb.js';

export const sampleVerb: Verb = {
  summary: 'generate the synthetic sample dataset (rendered images, captions, exact truth)',
  usage: 'mlens sample [--world shapes|digits] [--out DIR] [--images N] [--preset A|B|C] [--seed S] [--noise F] [--json]',
  flags: ['json'],
  async run(a) {
    const world = opt(a, 'world') ?? 'shapes';
    if (world !== 'shapes' && world !== 'digits') throw new UsageError('--world must be shapes (the rendered sample) or digits (real MNIST digits)');
    if (world === 'digits') {
      const images = numOpt(a, 'images', 100, 20_000) ?? 300;
      const seed = numOpt(a, 'seed', 0, 2 ** 31) ?? 0;
      const out = resolve(opt(a, 'out') ?? join(defaultDataDir(), `digits-${images}-seed${seed}`));
      const stats = await generateDigits({ out, images, seed });
      if (json(a)) return print({ out, ...stats });
      console.log(`digits world written to ${out}`);
      console.log(JSON.stringify(stats, null, 2));
      return;
    }
    const preset = (opt(a, 'preset') ?? 'A').toUpperCase();
    if (!['A', 'B', 'C'].includes(preset)) throw new UsageError('--preset must be A, B or C');
    const images = numOpt(a, 'images', 100, 50_000) ?? 1000;
    const seed = numOpt(a, 'seed', 0, 2 ** 31) ?? 0;
    const out = resolve(opt(a, 'out') ?? join(defaultDataDir(), `sample-${images}-${preset}-seed${seed}`));
    const bar = progressBar(!!process.stderr.isTTY);
    const stats = await generateSample({
      out,
      images,
      preset: preset as 'A' | 'B' | 'C',
      seed,
      noise: numOpt(a, 'noise', 0, 1) ?? 0,
      size: (numOpt(a, 'size', 128, 224) as 128 | 224 | undefined) ?? 128,
      onProgress: bar.update,
    });
    bar.done();
    if (json(a)) return print({ out, ...stats });
    console.log(`sample written to ${out}`);
    console.log(JSON.stringify(stats, null, 2));
  },
};
