// `mlens mine DIR --spaces ID[,ID...]`: mine candidates and review units into the project.
import { CALIBRATION_MAX_ECE, CALIBRATION_MIN_REVIEWS } from '../core/mining/calibration.js';
import { mineProject } from '../core/mining/mine.js';
import { acceptSameText, type SameTextAcceptance } from '../core/mining/same_text.js';
import { refreshAfterReviews } from '../core/mining/classifier.js';
import { defaultMiningSpaceIds } from '../../shared/mining_spaces.js';
import { numOpt, opt, UsageError } from './args.js';
import { progressBar } from './progress.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const mineVerb: Verb = {
  summary: 'propose likely false negatives from one or more spaces; write candidates and review units to the project',
  usage: 'mlens mine DIR [--spaces ID[,ID...] (default: every space not built from the truth, or those when nothing else exists (an upper bound: encode first), and no residual head beside its parent)] [--k-t 5] [--k-i 10] [--checks 100] [--words] [--multiplicity-prior | --no-multiplicity-prior (default: weighed where caption coverage by the other captions and effective partners in the space agree on which captions are generic)] [--accept-same-text [--who NAME]] [--memory-mb MB] [--json]   (--accept-same-text: flag the candidates whose caption reads exactly like one annotated on their image as false negatives, in one batch)',
  flags: ['json', 'words', 'multiplicity-prior', 'no-multiplicity-prior', 'accept-same-text'],
  async run(a) {
    const dir = needDir(a);
    const asked = (opt(a, 'spaces') ?? opt(a, 'space'))?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
    const kT = numOpt(a, 'k-t', 1, 1000);
    const kI = numOpt(a, 'k-i', 1, 1000);
    // Calibration checks: random candidate pairs served between the queue's units (0: none).
    const checkPairs = numOpt(a, 'checks', 0, 100000);
    if (checkPairs != null && !Number.isInteger(checkPairs)) throw new UsageError(`--checks takes a whole number of pairs, got ${checkPairs}`);
    const mb = opt(a, 'memory-mb');
    if (mb != null && !(Number(mb) > 0)) throw new UsageError(`--memory-mb takes a positive number of MiB, got ${JSON.stringify(mb)}`);
    if (a.flags.has('multiplicity-prior') && a.flags.has('no-multiplicity-prior')) throw new UsageError('--multiplicity-prior and --no-multiplicity-prior contradict each other: give one (neither: decided by the agreement check)');
    const multiplicityPrior = a.flags.has('multiplicity-prior') ? true : a.flags.has('no-multiplicity-prior') ? false : 'auto';
    const who = opt(a, 'who') ?? null;
    if (who != null && !a.flags.has('accept-same-text')) throw new UsageError('--who names who accepted the same-text pairs: give it with --accept-same-text');
    const bar = progressBar(!!process.stderr.isTTY);
    const { r, named, fromTruth, accepted } = await withProject(dir, async (p) => {
      // As the app: without --spaces, every space except those built from the truth (the sample's oracle).
      const spaces = asked ?? defaultMiningSpaceIds(p.listSpaces());
      const r = await mineProject(p, { spaces, kT, kI, units: checkPairs != null ? { checkPairs } : undefined, words: a.flags.has('words'), multiplicityPrior, onProgress: bar.update });
      // As the Review tab's "accept them as valid": one batch of rule flags, then the queue re-ranked without them.
      let accepted: SameTextAcceptance | null = null;
      if (a.flags.has('accept-same-text')) {
        accepted = acceptSameText(p.ds, p.store, p.reviews, who);
        if (accepted.accepted) refreshAfterReviews(p.reviews);
      }
      const all = p.listSpaces();
      return { r, named: new Map(all.map((s) => [s.id, s.name])), fromTruth: new Set(all.filter((s) => s.fromTruth).map((s) => s.id)), accepted };
    }, { memoryMb: mb != null ? Number(mb) : undefined });
    bar.done();
    const spaceNames = r.spaces.map((id) => named.get(id) ?? id);
    if (json(a)) return print({ ...r, spaceNames, ...(accepted ? { sameTextAccepted: accepted } : {}) });
    console.log(`${r.candidates} candidates in ${r.clusters} review units from ${r.spaces.map((id, e) => `${id} (${spaceNames[e]})`).join(', ')} (${r.seconds.toFixed(1)} s)`);
    const oracles = r.spaces.filter((id) => fromTruth.has(id));
    if (oracles.length) console.log(`note: ${oracles.length === r.spaces.length ? 'every mined space is' : `${oracles.join(', ')} ${oracles.length === 1 ? 'is' : 'are'}`} built from the truth (the sample's oracle, or a head on it): its candidates are an upper bound, not what an encoder finds${oracles.length === r.spaces.length ? ` (\`mlens encode ${/\s/.test(dir) ? JSON.stringify(dir) : dir} --encoder baseline\` first; mining then leaves the oracle out)` : ''}`);
    console.log(`p̂ is a rank until your reviews calibrate it (the Review tab says when: at least ${CALIBRATION_MIN_REVIEWS} reviews with a cross-validated ECE at most ${CALIBRATION_MAX_ECE.toFixed(2)})`);
    if (a.flags.has('words')) {
      console.log(
        r.words.used
          ? `the prior also reads the captions' words: the share of a caption's content words on the image's annotated captions (${r.words.reason})`
          : `the prior reads the space alone, not the captions' words: ${r.words.reason}`,
      );
    }
    const why = r.multiplicity.mode === 'auto' ? ` (${r.multiplicity.reason}; --${r.multiplicity.applied ? 'no-' : ''}multiplicity-prior overrides)` : ` (${r.multiplicity.mode === 'on' ? '--multiplicity-prior' : '--no-multiplicity-prior'})`;
    console.log(
      r.prior === 'pu-multiplicity'
        ? `p̂ before any review: positive–unlabelled, each caption's chance of being annotated with a valid image taken as 1 / its effective partners${why}`
        : r.prior === 'pu'
          ? `p̂ before any review: positive–unlabelled, one chance of annotation for every valid pair, not weighed by how many images each caption fits${why}`
          : 'p̂ before any review: the mean of the Platt-calibrated scores',
    );
    if (r.sameText.pairs > 0) console.log(`${r.sameText.pairs} candidates (${(100 * r.sameText.share).toFixed(1)} %) read exactly like a caption annotated on their image (valid by the annotation itself, where that annotation is right); they make ${(100 * r.sameText.topShare).toFixed(1)} % of the first ${r.sameText.top} by p̂, and the review queue leaves them out (--accept-same-text flags them valid)`);
    if (accepted) {
      const left = [accepted.labelled ? `${accepted.labelled} already labelled` : '', accepted.twinRejected ? `${accepted.twinRejected} whose annotated twin is judged wrong` : ''].filter(Boolean);
      console.log(`--accept-same-text: flagged ${accepted.accepted} same-text pairs as false negatives (source 'rule', one batch; the classifier does not learn from them)${left.length ? `; left alone: ${left.join(', ')}` : ''}`);
    }
    if (r.checkPairs > 0) console.log(`${r.checkPairs} of them are calibration checks: pairs drawn at random from every candidate, served between the queue's units so that p̂ can be calibrated where the queue never looks (--checks 0 turns them off)`);
    for (const k of r.knn) {
      if (k.streamed) console.log(`space ${k.space}${r.knn.length > r.spaces.length ? ` (group ${k.group})` : ''}: mined from disk (over the memory budget), read by block: ${k.streamed.queryRows} × ${k.streamed.galleryRows} rows per kNN block, at most ${k.streamed.rowsHeld} rows held for the pair scores`);
    }
    if (r.precisionRecall) {
      console.log(`against the truth (${r.trueUnannotated} true unannotated pairs${r.trueUnannotatedCrossSplit != null ? ` within the mined splits; ${r.trueUnannotatedCrossSplit} more join an image and a caption of different splits, which mining does not propose and the recall does not count` : ''}):`);
      const taken = (f: { taken: number }, b: string) => (f.taken < Number(b) ? ` (${f.taken} pairs taken: every candidate)` : '');
      for (const [b, f] of Object.entries(r.precisionRecall)) console.log(`  budget ${b.padStart(6)}: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}${taken(f, b)}`);
      const rest = r.precisionRecallNeedingReview;
      if (rest) {
        console.log('the same with the same-text candidates left out (what a reviewer judges once they are accepted):');
        for (const [b, f] of Object.entries(rest)) console.log(`  budget ${b.padStart(6)}: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}`);
      }
    }
  },
};
