// The one-sentence verdict on caption Σσ² that the Uncertainty tab and `mlens train` print.
import { describe, expect, it } from 'vitest';
import { imageVarianceVerdict, varianceVerdict } from '../../src/shared/variance_verdict.js';
import type { VarianceDiagnostics } from '../../src/shared/views/heads.js';
import { formatTrainResult } from '../../src/main/cli/train_verb.js';
import type { TrainCommandResult } from '../../src/main/core/heads/train_project.js';

const diag = (held: number | null, all: number, near: number): VarianceDiagnostics => ({
  captions: [
    { against: 'multiplicity', rho: all, n: 1500 },
    ...(held == null ? [] : [{ against: 'multiplicity' as const, rho: held, n: 300, scope: 'val+test' as const }]),
    { against: 'nearest', rho: near, n: 1500 },
  ],
  images: [],
  sampled: false,
  seconds: 0,
});

describe('variance verdict', () => {
  it('calls a strongly negative ρ the opposite of a signal (generic captions get the smallest variance), not "weak"', () => {
    // As on the digits world's baseline space: held-out ρ −0.71, nearest-distance ρ −0.58.
    const v = varianceVerdict(diag(-0.71, -0.67, -0.58))!;
    expect(v.kind).toBe('inverse');
    expect(v.text).toMatch(/falls as the number of valid images rises on validation and test captions/);
  });

  it('reads held-out captions first, and tells a signal, a nearest-distance follower and a weak relation apart', () => {
    expect(varianceVerdict(diag(0.45, 0.05, 0.1))!.kind).toBe('signal');
    expect(varianceVerdict(diag(0.05, 0.45, 0.1))!.kind).toBe('weak');
    expect(varianceVerdict(diag(null, 0.45, 0.1))!.text).not.toMatch(/validation/);
    expect(varianceVerdict(diag(0.1, 0.1, -0.6))!.kind).toBe('nearest');
    expect(varianceVerdict({ captions: [], images: [], sampled: false, seconds: 0 })).toBeNull();
  });

  it('judges image Σσ² against its own bound (ρ with captions per image ≥ 0.2), and mlens train prints that verdict too', () => {
    const withImages = (rho: number): VarianceDiagnostics => ({ ...diag(0.45, 0.3, 0.1), images: [{ against: 'multiplicity', rho, n: 200 }, { against: 'nearest', rho: 0.5, n: 200 }] });
    expect(imageVarianceVerdict(withImages(0.25))!.signal).toBe(true);
    expect(imageVarianceVerdict(withImages(0.15))!.signal).toBe(false);
    expect(imageVarianceVerdict(withImages(0.15))!.text).toMatch(/does not reach ρ 0\.2 .*\(ρ 0\.15\)/);
    expect(imageVarianceVerdict(diag(0.45, 0.3, 0.1))).toBeNull();
    const r = { id: 'head1', parent: 'base1', name: 'pcme', spearman: 0.45, varianceDiagnostics: withImages(-0.05), metrics: { epochs: [], backend: 'wasm', seconds: 1, kept: 'best', bestEpoch: 1, stopped: 'epochs', val: { rPrecision: 0.5, mapAtR: 0.5 }, initial: { mapAtR: 0.4 }, last: { mapAtR: 0.5 }, againstTruth: true }, splits: {} } as unknown as TrainCommandResult;
    const text = formatTrainResult(r, '/data/x').join('\n');
    expect(text).toMatch(/can serve as a multiplicity signal/);
    expect(text).toMatch(/Image Σσ² does not reach ρ 0\.2 with the number of valid captions \(ρ -0\.05\)/);
    // The kept weights (0.5) are above where the head started (0.4): no note; below, the note says so.
    expect(text).not.toMatch(/no epoch beat/);
    const worse = { ...r, metrics: { ...r.metrics, initial: { mapAtR: 0.6 } } } as unknown as TrainCommandResult;
    expect(formatTrainResult(worse, '/data/x').join('\n')).toMatch(/no epoch beat the head before training on validation mAP@R \(0\.5000 kept, 0\.6000 before\)/);
  });

  it('mlens train prints it, and points to effective partners on the parent space when Σσ² is no signal', () => {
    const r = { id: 'head1', parent: 'base1', name: 'pcme', spearman: -0.71, varianceDiagnostics: diag(-0.71, -0.67, -0.58), metrics: { epochs: [], backend: 'wasm', seconds: 1, kept: 'best', bestEpoch: 1, stopped: 'epochs', val: { rPrecision: 0.5, mapAtR: 0.5 }, initial: { mapAtR: 0.4 }, last: { mapAtR: 0.5 }, againstTruth: true }, splits: {} } as unknown as TrainCommandResult;
    const text = formatTrainResult(r, '/data/my digits').join('\n');
    expect(text).toMatch(/the opposite of a multiplicity signal/);
    expect(text).toContain('mlens partners "/data/my digits" --space base1');
    const good = { ...r, varianceDiagnostics: diag(0.45, 0.3, 0.1) } as unknown as TrainCommandResult;
    expect(formatTrainResult(good).join('\n')).not.toContain('mlens partners');
  });
});
