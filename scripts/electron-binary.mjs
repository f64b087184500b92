// Finds the Electron binary for `npm start` without letting the electron package's own lookup
// run first: that lookup downloads on first use and, offline, ends in a raw stack trace after a
// long wait. Here a missing binary is found out in seconds, and the caller says so in one line.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export class ElectronUnavailable extends Error {}

/** Seconds the download host gets to answer before we call it unreachable. */
const PROBE_MS = Number(process.env.MLENS_ELECTRON_PROBE_MS ?? 5000);

async function reachable(url) {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(PROBE_MS) });
    return null;
  } catch (e) {
    const c = e?.cause;
    return c?.code ?? c?.errors?.[0]?.code ?? (e?.name === 'TimeoutError' ? `no answer in ${PROBE_MS} ms` : c?.message ?? e?.message ?? String(e));
  }
}

/** The path of a runnable Electron binary, downloading it once when the network allows. */
export async function electronBinary({ packageDir = join(root, 'node_modules', 'electron') } = {}) {
  if (!existsSync(join(packageDir, 'package.json'))) throw new ElectronUnavailable('the electron package is not installed (node_modules/electron is missing)');
  const pathFile = join(packageDir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const bin = join(override, exe || 'electron');
    if (!existsSync(bin)) throw new ElectronUnavailable(`ELECTRON_OVERRIDE_DIST_PATH=${override} has no Electron binary (${bin} does not exist)`);
    return bin;
  }
  if (exe && existsSync(join(packageDir, 'dist', exe))) return join(packageDir, 'dist', exe);
  const mirror = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'https://github.com/electron/electron/releases/';
  const why = await reachable(mirror);
  if (why) throw new ElectronUnavailable(`the Electron binary has not been downloaded yet and its download host ${mirror} cannot be reached (${why})`);
  console.log('Downloading the Electron binary (once)…');
  const r = spawnSync(process.execPath, [join(packageDir, 'install.js')], { stdio: 'inherit', timeout: 10 * 60_000 });
  const now = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (r.status !== 0 || !now || !existsSync(join(packageDir, 'dist', now))) throw new ElectronUnavailable('downloading the Electron binary failed (see the lines above)');
  return join(packageDir, 'dist', now);
}
