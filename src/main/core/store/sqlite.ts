// Opens better-sqlite3 databases. Inside Electron the native module must be built for
// Electron's ABI; `npm start` builds a separate copy and passes its path in
// MLENS_SQLITE_BINDING, so the Node build that `npm test` uses is never touched.
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openSqlite(file: string, opts: { readonly?: boolean } = {}): Db {
  const nativeBinding = process.env.MLENS_SQLITE_BINDING || undefined;
  return new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, nativeBinding });
}
