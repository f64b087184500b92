// What `mlens doctor` says about the Electron copy of better-sqlite3 that `npm start` keeps in
// .electron-native/<electron version>/: usable only when the ABI compiled into it (its
// node_register_module_v<ABI> symbol) is Electron's. scripts/electron-native.mjs applies the
// same rule when it decides to rebuild.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function nativeAbiOf(file: string): number | null {
  const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return m ? Number(m[1]) : null;
}

export function electronNativeState(root: string): string {
  const pkg = join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(pkg)) return 'no electron package (browser mode only)';
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const abiFile = join(root, 'node_modules', 'electron', 'abi_version');
  const abi = existsSync(abiFile) ? Number(readFileSync(abiFile, 'utf8').trim()) : null;
  const file = join(root, '.electron-native', version, 'better_sqlite3.node');
  if (!existsSync(file)) return `not built yet (npm start builds it once for Electron ${version}${abi != null ? `, ABI ${abi}` : ''})`;
  const has = nativeAbiOf(file);
  if (abi != null && has !== abi) return `wrong ABI ${has ?? 'unknown'} (Electron ${version} needs ${abi}); npm start rebuilds it`;
  return `ok (Electron ${version}, ABI ${has})`;
}
