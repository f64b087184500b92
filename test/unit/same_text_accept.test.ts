// Same-text candidates on a real digits world (real MNIST images, the built-in encoder): the
// review queue leaves them out (only a calibration check may show one); `acceptSameText` flags
// them valid in one batch of rule flags, leaving alone pairs already labelled and pairs whose
// annotated twin is judged wrong; the truth confirms every accepted pair; the classifier's refit
// neither learns from them nor counts them as reviews; one undo takes the batch back.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mineProject } from '../../src/main/core/mining/mine.js';
import { acceptSameText, captionTextIds, sameTextMask, SAME_TEXT_SOURCE } from '../../src/main/core/mining/same_text.js';
import { refreshAfterReviews } from '../../src/main/core/mining/classifier.js';
import { readLabels } from '../../src/main/core/labels/label_model.js';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { Project } from '../../src/main/core/project/project.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-same-text-accept-');
let p: Project;
let space = '';

beforeAll(async () => {
  const dir = join(tmp.dir, 'digits');
  const dataDir = join(tmp.dir, 'data');
  await generateDigits({ out: dir, images: 200, seed: 4 });
  const ds = await Project.readDataset(dir);
  space = (await encodeSpace({ dataset: ds, encoderSpec: 'baseline', projectDir: projectDir(ds.root, dataDir), inProcess: true })).record.id;
  p = await Project.open(dir, { dataDir });
}, 180_000);

afterAll(() => {
  p?.close();
  tmp.cleanup();
});

const labels = () => readLabels(p.reviews.db, { kinds: ['flag', 'review'] });

describe('same-text candidates on the digits world', () => {
  it('join no unit of the queue but may be drawn as calibration checks', async () => {
    const r = await mineProject(p, { spaces: [space], threads: 1 });
    expect(r.sameText.pairs).toBeGreaterThan(100);
    const cands = p.reviews.candidateColumns();
    const same = sameTextMask(cands, captionTextIds(p.ds.captions.map((c) => c.text)), Int32Array.from(p.ds.captions, (c) => c.imageIndex));
    const kinds = new Map(p.reviews.clusters().map((u) => [u.id, u.kind]));
    let inQueue = 0;
    let inChecks = 0;
    let unitPairs = 0;
    for (let k = 0; k < cands.n; k++) {
      const kind = kinds.get(cands.clusterId[k]);
      if (kind && kind !== 'check') unitPairs++;
      if (!same[k]) continue;
      if (kind === 'check') inChecks++;
      else if (kind) inQueue++;
    }
    expect(unitPairs).toBeGreaterThan(100);
    // The budget figures again without them: what a reviewer judges once they are accepted.
    const rest = cands.n - r.sameText.pairs;
    expect(r.precisionRecallNeedingReview!['10000'].taken).toBe(Math.min(10000, rest));
    let valid = 0;
    for (let k = 0; k < cands.n; k++) if (!same[k] && Array.prototype.includes.call(p.ds.truth![cands.caption[k]], cands.image[k])) valid++;
    // Every candidate but the same-text ones fits in the largest budget here: its precision is their valid share.
    expect(rest).toBeLessThanOrEqual(10000);
    expect(r.precisionRecallNeedingReview!['10000'].precision).toBeCloseTo(valid / rest, 12);
    expect(inQueue).toBe(0);
    // The checks are a uniform sample of every candidate, and these are most of the pool here.
    expect(inChecks).toBeGreaterThan(0);
  }, 120_000);

  it('are flagged valid in one batch, skipping labelled pairs and pairs whose twin is judged wrong; the truth agrees; one undo takes them back', () => {
    const cands = p.reviews.candidateColumns();
    const textId = captionTextIds(p.ds.captions.map((c) => c.text));
    const annotated = Int32Array.from(p.ds.captions, (c) => c.imageIndex);
    const same = sameTextMask(cands, textId, annotated);
    const ks = [...same.keys()].filter((k) => same[k]);
    // A reviewer already said one of them is wrong (label 4); and the annotated twin of another is
    // flagged as a wrong annotation, so every same-text pair on that image with that text is left alone.
    const decided = ks[0];
    p.reviews.record({ image: cands.image[decided], caption: cands.caption[decided], label: 4, reviewer: 'r' });
    const other = ks.find((k) => cands.image[k] !== cands.image[decided] || textId[cands.caption[k]] !== textId[cands.caption[decided]])!;
    const twin = p.ds.captions.findIndex((c, i) => c.imageIndex === cands.image[other] && textId[i] === textId[cands.caption[other]]);
    p.store.addFlag({ kind: 'pair', image: cands.image[other], caption: twin }, 'wrong_annotation', '', true);
    const behindTwin = ks.filter((k) => cands.image[k] === cands.image[other] && textId[cands.caption[k]] === textId[cands.caption[other]]).length;

    const before = labels().length;
    const r = acceptSameText(p.ds, p.store, p.reviews, 'tester');
    expect(r.labelled).toBe(1);
    expect(r.twinRejected).toBe(behindTwin);
    expect(r.accepted).toBe(ks.length - 1 - behindTwin);
    const rule = labels().filter((l) => l.source === SAME_TEXT_SOURCE);
    expect(rule).toHaveLength(r.accepted);
    expect(labels().length).toBe(before + r.accepted);
    expect(rule.every((l) => l.kind === 'flag' && l.flag === 'false_negative' && l.who === 'tester' && /same text/.test(l.provenance ?? ''))).toBe(true);
    // The digits world's truth: every accepted pair is valid.
    expect(rule.every((l) => Array.prototype.includes.call(p.ds.truth![l.caption!], l.image))).toBe(true);
    // Accepting again adds nothing.
    expect(acceptSameText(p.ds, p.store, p.reviews, 'tester').accepted).toBe(0);

    // The refit counts the one review (the wrong-annotation flag is on an annotated pair, no
    // candidate), never the rule flags.
    const refresh = refreshAfterReviews(p.reviews);
    expect(refresh).toMatchObject({ labelled: 1, positives: 0, negatives: 1 });

    // One undo takes the whole batch back (the newest flag action is the acceptance).
    expect(p.store.lastBatchOfSourceAt(SAME_TEXT_SOURCE)).not.toBeNull();
    expect(p.store.undo()).toBe(true);
    expect(labels().filter((l) => l.source === SAME_TEXT_SOURCE)).toHaveLength(0);
    expect(p.store.lastBatchOfSourceAt(SAME_TEXT_SOURCE)).toBeNull();
  }, 60_000);
});
