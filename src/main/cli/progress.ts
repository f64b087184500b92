// A progress bar on stderr when it is a terminal; silent otherwise (and with --json output
// on stdout, the bar never mixes with the JSON).
import type { Progress } from '../core/jobs/job.js';

export function progressBar(enabled = !!process.stderr.isTTY): { update: (p: Progress) => void; done: () => void } {
  let lastDraw = 0;
  let drawn = false;
  return {
    update(p) {
      if (!enabled) return;
      const now = Date.now();
      if (now - lastDraw < 100 && p.done < p.total) return;
      lastDraw = now;
      const width = 30;
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const fill = Math.round(frac * width);
      process.stderr.write(`\r${p.phase.padEnd(24).slice(0, 24)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${p.done}/${p.total}   `);
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
