/**
 * Opens the emulator's SQLite database.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import type Database from 'better-sqlite3';

/** The better-sqlite3 major version the emulator is written and tested against. */
const SQLITE_PACKAGE = 'better-sqlite3@^12';

/**
 * better-sqlite3, loaded on first use: apps that only use `TIMClient` never load SQLite's native
 * module, and need not install it (it is an optional peer dependency of tim-native).
 */
function loadSqlite(): typeof Database {
  try {
    return require('better-sqlite3') as typeof Database;
  } catch (err) {
    const notInstalled = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /better-sqlite3/.test((err as Error).message);
    const e = new Error(
      notInstalled
        ? `tim-native: the emulator stores its data with better-sqlite3, which is not installed: npm install ${SQLITE_PACKAGE}`
        : `tim-native: the emulator could not load better-sqlite3 (${(err as Error).message}); ` +
            `reinstall it for this runtime (Electron: rebuild it for Electron's ABI, e.g. with @electron/rebuild)`,
      { cause: err },
    ) as Error & { code: string };
    e.code = 'ERR_TIM_EMULATOR_SQLITE';
    throw e;
  }
}

/**
 * Opens (or creates) the database at `file`; `':memory:'` keeps everything in memory. Files use
 * WAL journaling so readers never wait on the writer, and `synchronous = NORMAL`, which is durable
 * across process crashes in WAL mode. A file in a missing folder is an `ENOENT` error naming it.
 */
export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:' && file !== '' && !fs.existsSync(path.dirname(path.resolve(file)))) {
    const e = new Error(`tim-native: cannot create the emulator's data file ${path.resolve(file)}: its folder does not exist`) as NodeJS.ErrnoException;
    e.code = 'ENOENT';
    e.path = path.resolve(file);
    throw e;
  }
  const SQLite = loadSqlite();
  const db = new SQLite(file);
  if (file !== ':memory:' && file !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
