// The notebook module (python/mlens) against the real app: its unittest suite writes folders that
// the real CLI opens and starts the real browser-mode server. Skipped, with the reason, where the
// system has no python3 or no numpy.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/server.js';

function pythonWithNumpy(): string | null {
  const probe = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.error) return 'python3 is not installed';
  if (probe.status !== 0) return 'python3 has no numpy (pip install numpy)';
  return null;
}

const missing = pythonWithNumpy();
if (missing) console.warn(`python notebook tests skipped: ${missing}`);

describe('python notebook module', () => {
  it.skipIf(missing !== null)('writes folders the app opens, and serves them', () => {
    const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', join('python', 'tests'), '-v'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toMatch(/Ran \d+ tests/);
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/test_the_app_opens_what_it_writes .* ok/);
    expect(out).toMatch(/test_serve_answers_with_the_app_and_stops .* ok/);
  });
});
