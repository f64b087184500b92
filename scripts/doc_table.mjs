// One generated table in a doc, between a start and an end marker: rewritten from the lines given,
// or, with --check on the command line, compared (exit 1 when the doc is not what the JSON gives;
// test/unit/docs_figures.test.ts runs the scripts that use this with --check).
import { readFileSync, writeFileSync } from 'node:fs';

export function writeDocTable(doc, start, end, lines) {
  const text = readFileSync(doc, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${doc}: the markers ${start} … ${end} are missing`);
  const next = `${text.slice(0, a + start.length)}\n${lines.join('\n')}\n${text.slice(b)}`;
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error(`${doc}: the generated table differs from the JSON; run node ${process.argv[1]}`);
      process.exit(1);
    }
    process.exit(0);
  }
  writeFileSync(doc, next);
}
