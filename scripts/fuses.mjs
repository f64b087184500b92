#!/usr/bin/env node
// Flips the Electron fuses of a packaged Multiplicity Lens binary (fuses are bits compiled into the
// Electron executable that can only be changed before it is signed and shipped):
//   node scripts/fuses.mjs PATH_TO_ELECTRON_BINARY [--asar] [--check]
// RunAsNode off (ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node), cookie encryption
// on, NODE_OPTIONS and --inspect ignored, file:// without extra privileges. With --asar (only when
// the app is packed into resources/app.asar) the binary also loads the app only from the asar
// and validates its embedded integrity hash. --check prints the fuse wire and changes nothing.
import { existsSync } from 'node:fs';
import { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } from '@electron/fuses';

/** The fuses this app ships with; `asar` adds the two that need an app.asar. */
export function fuseConfig(asar) {
  return {
    version: FuseVersion.V1,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    ...(asar ? { [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true, [FuseV1Options.OnlyLoadAppFromAsar]: true } : {}),
  };
}

const STATE = { 48: 'off', 49: 'on', 114: 'removed', 144: 'default' };

export async function describeFuses(binary) {
  const wire = await getCurrentFuseWire(binary);
  const out = {};
  for (const [k, v] of Object.entries(wire)) if (k !== 'version') out[FuseV1Options[Number(k)] ?? k] = STATE[v] ?? v;
  return out;
}

async function main(argv) {
  const binary = argv.find((a) => !a.startsWith('--'));
  if (!binary) {
    console.error('usage: node scripts/fuses.mjs PATH_TO_ELECTRON_BINARY [--asar] [--check]');
    return 2;
  }
  if (!existsSync(binary)) {
    console.error(`fuses: ${binary} does not exist (give the packaged app's Electron executable)`);
    return 1;
  }
  if (!argv.includes('--check')) await flipFuses(binary, fuseConfig(argv.includes('--asar')));
  console.log(JSON.stringify(await describeFuses(binary), null, 2));
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`fuses: ${e.message}`);
      process.exit(1);
    },
  );
}
