import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
}

/** File name of the workspace database inside the data directory. */
export const DB_FILE = 'kinexus.db';

/**
 * Opens (creating if needed) the workspace database with WAL, foreign keys and
 * a busy timeout, and brings its schema up to date.
 */
export function openDatabase(dataDir: string, opts: OpenOptions = {}): Db {
  const file = path.join(dataDir, DB_FILE);
  if (opts.readonly) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('query_only = ON');
    return db;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Current schema version as stored in `user_version`. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above `user_version`, each in its own transaction
 * together with the version bump, so a failed migration leaves the previous
 * schema intact.
 */
export function migrate(db: Db, list: readonly Migration[] = migrations): number {
  const current = schemaVersion(db);
  const latest = list.length;
  if (current > latest) {
    throw new Error(`The database schema (version ${current}) is newer than this app understands (${latest}). Update Kinexus Desktop.`);
  }
  for (let v = current + 1; v <= latest; v++) {
    const step = list[v - 1];
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${v}`);
    })();
  }
  return schemaVersion(db);
}

export type Migration = (db: Db) => void;
