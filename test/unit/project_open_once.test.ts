// A dataset is opened once: the session's Project serves the map, training and mining, and only
// core/project/ calls the functions that open a dataset folder or its project store.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { Project } from '../../src/main/core/project/project.js';
import { packageRoot } from '../../src/main/core/jobs/worker_path.js';
import { mineProject } from '../../src/main/core/mining/mine.js';
import { evaluateProject } from '../../src/main/core/mining/evaluation.js';
import { root } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-open-once-');
const sample = join(tmp.dir, 'sample');
const built = ['train', 'mine'].every((w) => existsSync(join(packageRoot(), 'out', 'main', 'workers', `${w}.js`)));

beforeAll(async () => {
  await generateSample({ out: sample, images: 120, preset: 'A', seed: 2, renderImages: false });
});
afterAll(() => tmp.cleanup());

describe('one open project per session', () => {
  it.skipIf(!built)('trains a head and mines on the open project without opening the dataset again', async () => {
    const service = new LensService({ dataDir: join(tmp.dir, 'data'), mode: 'browser' });
    try {
      const before = Project.opened;
      const session = await service.api.datasets.open({ path: sample });
      expect(Project.opened).toBe(before + 1);
      expect(session.spaceId).not.toBeNull();
      const trained = await service.api.heads.train({ jobId: 'train', head: 'pcme', epochs: 1 });
      expect(trained.space.probabilistic).toBe(true);
      const mined = await service.api.mining.run({ jobId: 'mine', spaceIds: ['dataset'] });
      expect(mined.candidates).toBeGreaterThan(0);
      expect((await service.api.review.queue({ limit: 5 })).length).toBeGreaterThan(0);
      expect((await service.api.app.session()).lastMining?.candidates).toBe(mined.candidates);
      expect(Project.opened).toBe(before + 1);
    } finally {
      service.close();
    }
  });
});

describe('a project opened by a CLI verb', () => {
  it('mines and evaluates on its one store connection without reopening', async () => {
    const before = Project.opened;
    const project = await Project.open(sample, { dataDir: join(tmp.dir, 'data-cli') });
    try {
      expect(project.reviews.db).toBe(project.store.db);
      const mined = await mineProject(project, { spaces: ['dataset'], threads: 1 });
      expect(mined.candidates).toBeGreaterThan(0);
      expect(project.reviews.countCandidates()).toBe(mined.candidates);
      const ev = await evaluateProject(project, { space: 'dataset', positives: 'verified' });
      expect(ev.space?.id).toBe('dataset');
      expect(Project.opened).toBe(before + 1);
      // A job that holds the project keeps its store open across a close (another dataset opened).
      const release = project.hold();
      project.close();
      expect(project.isClosed).toBe(false);
      project.store.setMeta('last_mining', JSON.stringify({ candidates: mined.candidates }));
      release();
      expect(project.isClosed).toBe(true);
    } finally {
      project.close();
    }
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

describe('who opens datasets and stores', () => {
  // Benchmarks time the dataset readers themselves, or read the sample worlds they generate (heads'
  // cond and variance benches), or time the project store's own reads on a bare store file (labels
  // at scale); the definitions live where they live.
  const allowed = /^src\/main\/(core\/(project\/|datasets\/(open|bench|bench_tables)\.ts$|encoders\/bench\.ts$|heads\/(bench_cond|variance_bench)\.ts$|store\/fallback_merge\.ts$)|bench\/labels_scale_bench\.ts$)/;
  const calls = [
    { name: 'openDataset', re: /(?<![.\w])openDataset\s*\(/ },
    { name: 'openProjectStore', re: /(?<![.\w])openProjectStore\s*\(/ },
    { name: 'new ProjectStore', re: /new\s+ProjectStore\s*\(/ },
  ];
  it('only core/project/ opens a dataset folder or its project store', () => {
    const offenders: string[] = [];
    for (const f of sources(join(root, 'src'))) {
      const rel = relative(root, f).split('\\').join('/');
      if (allowed.test(rel)) continue;
      const text = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '');
      // Declarations (a function, or a method with a typed parameter) are not calls.
      const code = text.replace(/(async|function)\s+openDataset\s*\(/g, '').replace(/openDataset\s*\(\s*\w+\s*:/g, '');
      for (const c of calls) if (c.re.test(code)) offenders.push(`${rel}: ${c.name}`);
    }
    expect(offenders).toEqual([]);
  });
});
