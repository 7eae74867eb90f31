/**
 * Opens the emulator's SQLite database.
 * @packageDocumentation
 */
import type Database from 'better-sqlite3';

/**
 * Opens (or creates) the database at `file`; `':memory:'` keeps everything in memory. Files use
 * WAL journaling so readers never wait on the writer, and `synchronous = NORMAL`, which is durable
 * across process crashes in WAL mode.
 */
export function openDatabase(file: string): Database.Database {
  // Loaded here, not at import: apps that only use TIMClient never load SQLite's native module.
  const SQLite = require('better-sqlite3') as typeof Database;
  const db = new SQLite(file);
  if (file !== ':memory:' && file !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
