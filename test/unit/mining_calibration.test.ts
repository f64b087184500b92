// Is p̂ a probability? Reliability and ECE, the isotonic map, and — on a sample seed that nothing was
// tuned on, with the built-in encoder a user runs — the ECE of p̂ on the pairs nobody reviewed, after
// 200 simulated reviews taken in queue order (calibration checks included) with the truth as the reviewer.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyIsotonic, CALIBRATION_MAX_ECE, calibrationReport, fitIsotonic, reliability } from '../../src/main/core/mining/calibration.js';
import { DEFAULT_CHECK_PAIRS } from '../../src/main/core/mining/checks.js';
import { refreshAfterReviews } from '../../src/main/core/mining/classifier.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { tempDir } from '../helpers/tmp.js';
import { openProject, runMineCommand } from '../helpers/project.js';


const tmp = tempDir('mlens-calibration-');
afterAll(tmp.cleanup);

describe('calibration arithmetic', () => {
  it('ECE is the count-weighted gap between mean p and the observed share, per bin', () => {
    const r = reliability([0.05, 0.05, 0.95, 0.95, 0.55], [0, 1, 1, 1, 1]);
    expect(r.bins[0]).toMatchObject({ n: 2, observed: 0.5 });
    expect(r.bins[9]).toMatchObject({ n: 2, observed: 1 });
    expect(r.ece).toBeCloseTo((2 * 0.45 + 2 * 0.05 + 1 * 0.45) / 5, 10);
  });

  it('the isotonic map is non-decreasing and pools violators', () => {
    const m = fitIsotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 0, 1, 1]);
    expect(m.y).toEqual([0, 1 / 3, 1]);
    expect(applyIsotonic(m, 0.05)).toBe(0);
    expect(applyIsotonic(m, 0.35)).toBeCloseTo(1 / 3, 10);
    expect(applyIsotonic(m, 0.99)).toBe(1);
  });

  it('says why p̂ is not a probability yet', () => {
    const few = calibrationReport([0.2, 0.8, 0.9], [0, 1, 1]);
    expect(few.calibrated).toBe(false);
    expect(few.reason).toMatch(/^3 of the 200 reviewed pairs needed/);
    // 400 pairs whose p is exactly their rate of being valid: calibrated
    const p: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const q = (i % 10) / 10 + 0.05;
      p.push(q);
      y.push((Math.floor(i / 10) % 10) / 10 + 0.05 < q ? 1 : 0);
    }
    const ok = calibrationReport(p, y);
    expect(ok.ece).toBeLessThan(0.1);
    expect(ok.calibrated).toBe(true);
  });
});

describe('reviews must speak for the pairs nobody reviewed', () => {
  // 400 reviewed pairs whose p is exactly their valid rate, all with p ≥ 0.6 (the queue's likeliest pairs).
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const q = 0.6 + ((i % 4) + 0.5) / 10;
    p.push(q);
    y.push((Math.floor(i / 4) % 10) / 10 + 0.05 < q ? 1 : 0);
  }

  it('is not called calibrated when most unreviewed candidates have a p̂ no review checked', () => {
    const population = Array.from({ length: 1000 }, (_, i) => (i % 50) / 100); // p̂ in [0, 0.5)
    const r = calibrationReport(p, y, 5, 0, population);
    expect(r.ece).toBeLessThan(0.1); // the reviews alone look calibrated
    expect(r.coverage).toBe(0);
    expect(r.calibrated).toBe(false);
    expect(r.reason).toMatch(/^100 % of the unreviewed candidates have a p̂ where fewer than 10 pairs were reviewed \(p̂ 0\.0–0\.1: 200 unreviewed, 0 reviewed/);
  });

  it('is calibrated when the unreviewed candidates sit where the reviews are', () => {
    const population = Array.from({ length: 1000 }, (_, i) => 0.6 + (i % 40) / 100);
    const r = calibrationReport(p, y, 5, 0, population);
    expect(r.coverage).toBe(1);
    expect(r.ecePopulation).toBeLessThan(0.1);
    expect(r.calibrated).toBe(true);
  });
});

describe('calibrated candidates on a held-back seed', () => {
  // Seed 11 was never tuned on (the number of checks was chosen on seed 0). One encode, mined twice:
  // with the default calibration checks and with none; 200 reviews each in queue order, the truth as
  // the reviewer, then p̂ on the pairs nobody reviewed is judged against the truth.
  const dir = join(tmp.dir, 'seed11');
  const dataDir = join(tmp.dir, 'data');
  let space = '';
  async function reviewAndMeasure(checkPairs: number | undefined) {
    if (!space) {
      await generateSample({ out: dir, images: 400, preset: 'A', seed: 11 });
      const ds0 = await openDataset(dir);
      space = (await encodeSpace({ dataset: ds0, encoderSpec: 'baseline', projectDir: projectDir(ds0.root, dataDir), inProcess: true })).record.id;
    }
    const ds = await openDataset(dir);
    const mined = await runMineCommand({ dir, dataDir, spaces: [space], threads: 1, units: checkPairs === undefined ? undefined : { checkPairs } });
    const p = await openProject(dir, dataDir);
    try {
      const { reviews } = p;
      // Start from no reviews (the second run must not inherit the first one's).
      p.store.db.prepare('DELETE FROM review_decisions').run();
      refreshAfterReviews(reviews);
      const nI = ds.images.length;
      const truth = new Set<number>();
      ds.truth!.forEach((imgs, c) => imgs.forEach((i) => truth.add(c * nI + i)));
      let reviewed = 0;
      let checked = 0;
      while (reviewed < 200) {
        const u = reviews.nextCluster();
        if (!u) break;
        const pairs = reviews.candidates({ clusterId: u.id, unreviewedOnly: true }).slice(0, 200 - reviewed);
        if (!pairs.length) break;
        reviews.record(pairs.map((c) => ({ image: c.image, caption: c.caption, label: truth.has(c.caption * nI + c.image) ? (1 as const) : (4 as const), reviewer: 'truth', seconds: 2, clusterId: u.id })));
        reviewed += pairs.length;
        if (u.kind === 'check') checked += pairs.length;
        if (reviewed % 50 < pairs.length) refreshAfterReviews(reviews);
      }
      const refresh = refreshAfterReviews(reviews);
      expect(refresh.calibration).not.toBeNull();
      const rest = reviews.candidates({ unreviewedOnly: true, limit: 1_000_000 });
      const held = reliability(rest.map((c) => c.p), rest.map((c) => (truth.has(c.caption * nI + c.image) ? 1 : 0)));
      const top = rest.slice(0, 1000);
      const precision = top.filter((c) => truth.has(c.caption * nI + c.image)).length / top.length;
      const cal = refresh.calibration!;
      console.log(
        `calibration seed 11 (baseline encoder, 400 images, ${mined.checkPairs} check pairs drawn): ${reviewed} reviewed, ${checked} of them checks; cross-validated ECE on the reviews ${cal.ece.toFixed(3)} (raw ${cal.eceRaw.toFixed(3)}); ` +
          `ECE on ${rest.length} unreviewed candidates against the truth ${held.ece.toFixed(3)}; precision of the top ${top.length} ${precision.toFixed(3)}; ` +
          `ECE on the checks ${cal.eceChecks?.toFixed(3) ?? '–'}; coverage of the unreviewed ${cal.coverage?.toFixed(3)}; called calibrated: ${cal.calibrated}`,
      );
      return { mined, reviewed, checked, ece: held.ece, precision, cal };
    } finally {
      p.close();
    }
  }

  it('with calibration checks in the queue, p̂ on the unreviewed pairs is calibrated against the truth after 200 reviews', async () => {
    const withChecks = await reviewAndMeasure(undefined);
    expect(withChecks.mined.checkPairs).toBe(DEFAULT_CHECK_PAIRS);
    // The queue serves checks for half of the pairs while they last.
    expect(withChecks.checked).toBeGreaterThanOrEqual(90);
    expect(withChecks.checked).toBeLessThanOrEqual(100);
    expect(withChecks.ece).toBeLessThan(CALIBRATION_MAX_ECE);
    expect(withChecks.cal.checks).toBe(withChecks.checked);
    expect(withChecks.cal.eceChecks).not.toBeNull();
    // …and the app says so: the checks vouch for the unreviewed pairs, so p̂ is shown as a probability.
    expect(withChecks.cal.calibrated).toBe(true);
    // Without checks, the queue's reviews all sit where p̂ is high: p̂ below is a guess.
    const without = await reviewAndMeasure(0);
    expect(without.mined.checkPairs).toBe(0);
    expect(without.checked).toBe(0);
    expect(without.cal.eceChecks).toBeNull();
    expect(withChecks.ece).toBeLessThan(without.ece);
  }, 900_000);
});
