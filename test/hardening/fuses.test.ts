// The fuses script on a fuse wire laid out as Electron binaries carry it (sentinel, version 1,
// length, one ASCII state per fuse) with Electron's defaults, since no real binary exists here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { root } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, ASAR integrity,
// only-ASAR, browser V8 snapshot, file:// privileges, wasm trap handlers.
const DEFAULTS = '101100011';

let tmp: { dir: string; cleanup: () => void };
let binary: string;
beforeEach(() => {
  tmp = tempDir('mlens-fuses-');
  binary = join(tmp.dir, 'electron');
  writeFileSync(binary, Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([1, DEFAULTS.length]), Buffer.from(DEFAULTS), randomBytes(4096)]));
});
afterEach(() => tmp.cleanup());

const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'fuses.mjs'), binary, ...args], { encoding: 'utf8' });
const wire = () => {
  const b = readFileSync(binary);
  const at = b.indexOf(SENTINEL) + SENTINEL.length + 2;
  return b.subarray(at, at + DEFAULTS.length).toString();
};

describe('fuses script', () => {
  it('turns RunAsNode, NODE_OPTIONS, --inspect and file:// privileges off and cookie encryption on; ASAR fuses only with --asar', () => {
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(wire()).toBe('010000001');
    expect(JSON.parse(r.stdout)).toMatchObject({ RunAsNode: 'off', EnableCookieEncryption: 'on', EnableNodeOptionsEnvironmentVariable: 'off', EnableNodeCliInspectArguments: 'off', EnableEmbeddedAsarIntegrityValidation: 'off', OnlyLoadAppFromAsar: 'off' });
    expect(run('--asar').status).toBe(0);
    expect(wire()).toBe('010011001');
    const check = run('--check');
    expect(JSON.parse(check.stdout)).toMatchObject({ EnableEmbeddedAsarIntegrityValidation: 'on', OnlyLoadAppFromAsar: 'on' });
  });

  it('says which file is missing', () => {
    binary = join(tmp.dir, 'nope');
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${binary} does not exist`);
  });
});
