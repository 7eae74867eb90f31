/**
 * Accounts, profiles, custom profile fields and their registration in SQLite: the emulator's
 * persistent state.
 * @packageDocumentation
 */
import type { Database, Statement } from 'better-sqlite3';
import { Code, RequestError } from './codes';
import type { AddPermission, Gender, ProfilePatch, ProfileStore, StoredProfile } from './context';
import { admitKeys, MAX_PROFILE_FIELDS, refusalText } from './custom-fields';

/** Options of {@link SqliteProfileStore}. */
export interface ProfileStoreOptions {
  /** Register a custom key on its first write (up to 20) instead of refusing it. Not what the service does. */
  lenientCustomFields?: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  user_id    TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profiles (
  user_id        TEXT PRIMARY KEY REFERENCES accounts(user_id) ON DELETE CASCADE,
  nick           TEXT    NOT NULL DEFAULT '',
  gender         INTEGER NOT NULL DEFAULT 0,
  face_url       TEXT    NOT NULL DEFAULT '',
  self_signature TEXT    NOT NULL DEFAULT '',
  add_permission INTEGER NOT NULL DEFAULT 0,
  location       TEXT    NOT NULL DEFAULT '',
  language       INTEGER NOT NULL DEFAULT 0,
  birthday       INTEGER NOT NULL DEFAULT 0,
  level          INTEGER NOT NULL DEFAULT 0,
  role           INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profile_custom (
  user_id TEXT NOT NULL REFERENCES accounts(user_id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profile_custom_keys (
  key TEXT PRIMARY KEY
);
-- A data file from before registration existed: the keys it holds values for stay usable.
INSERT OR IGNORE INTO profile_custom_keys (key) SELECT DISTINCT key FROM profile_custom ORDER BY key;
`;

interface ProfileRow {
  user_id: string;
  nick: string;
  gender: number;
  face_url: string;
  self_signature: string;
  add_permission: number;
  location: string;
  language: number;
  birthday: number;
  level: number;
  role: number;
}

interface CustomRow {
  key: string;
  value: string;
}

/** Profile columns a patch may set, by patch field. */
const COLUMNS: ReadonlyArray<[keyof Omit<ProfilePatch, 'custom'>, string]> = [
  ['nick', 'nick'],
  ['gender', 'gender'],
  ['faceUrl', 'face_url'],
  ['selfSignature', 'self_signature'],
  ['addPermission', 'add_permission'],
  ['location', 'location'],
  ['language', 'language'],
  ['birthday', 'birthday'],
  ['level', 'level'],
  ['role', 'role'],
];

/** {@link ProfileStore} on a better-sqlite3 database; creates its tables when missing. */
export class SqliteProfileStore implements ProfileStore {
  private readonly hasStmt: Statement<[string], { one: number }>;
  private readonly insertAccount: Statement<[string, number]>;
  private readonly insertProfile: Statement<[string, string, string]>;
  private readonly profileStmt: Statement<[string], ProfileRow>;
  private readonly customStmt: Statement<[string], CustomRow>;
  private readonly setCustomStmt: Statement<[string, string, string]>;
  private readonly customKeysStmt: Statement<[], { key: string }>;
  private readonly registerKeyStmt: Statement<[string]>;
  private readonly lenient: boolean;
  /** The registered custom keys, once read. */
  private keys: Set<string> | undefined;
  private readonly columnStmts: Map<string, Statement<[unknown, string]>>;
  private readonly ensureTx: (userId: string, nick: string, faceUrl: string) => boolean;
  private readonly updateTx: (userId: string, patch: ProfilePatch) => StoredProfile;

  constructor(db: Database, options: ProfileStoreOptions = {}) {
    db.exec(SCHEMA);
    this.lenient = options.lenientCustomFields ?? false;
    this.hasStmt = db.prepare('SELECT 1 AS one FROM accounts WHERE user_id = ?');
    this.insertAccount = db.prepare('INSERT OR IGNORE INTO accounts (user_id, created_at) VALUES (?, ?)');
    this.insertProfile = db.prepare('INSERT INTO profiles (user_id, nick, face_url) VALUES (?, ?, ?)');
    this.profileStmt = db.prepare('SELECT * FROM profiles WHERE user_id = ?');
    this.customStmt = db.prepare('SELECT key, value FROM profile_custom WHERE user_id = ? ORDER BY key');
    this.setCustomStmt = db.prepare(
      'INSERT INTO profile_custom (user_id, key, value) VALUES (?, ?, ?) ' +
        'ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value',
    );
    this.customKeysStmt = db.prepare('SELECT key FROM profile_custom_keys ORDER BY rowid');
    this.registerKeyStmt = db.prepare('INSERT OR IGNORE INTO profile_custom_keys (key) VALUES (?)');
    this.columnStmts = new Map(
      COLUMNS.map(([, column]) => [column, db.prepare(`UPDATE profiles SET ${column} = ? WHERE user_id = ?`)]),
    );
    this.ensureTx = db.transaction((userId: string, nick: string, faceUrl: string) => {
      if (this.insertAccount.run(userId, Date.now()).changes === 0) return false;
      this.insertProfile.run(userId, nick, faceUrl);
      return true;
    });
    this.updateTx = db.transaction((userId: string, patch: ProfilePatch) => {
      if (!this.hasAccount(userId)) throw new Error(`no account "${userId}"`);
      this.admitCustom(Object.keys(patch.custom ?? {}));
      for (const [field, column] of COLUMNS) {
        const value = patch[field];
        if (value !== undefined) this.columnStmts.get(column)!.run(value, userId);
      }
      for (const [key, value] of Object.entries(patch.custom ?? {})) this.setCustomStmt.run(userId, key, value);
      return this.getProfile(userId)!;
    });
  }

  hasAccount(userId: string): boolean {
    return this.hasStmt.get(userId) !== undefined;
  }

  ensureAccount(userId: string, init?: { nick?: string; faceUrl?: string }): boolean {
    return this.ensureTx(userId, init?.nick ?? '', init?.faceUrl ?? '');
  }

  getProfile(userId: string): StoredProfile | undefined {
    const row = this.profileStmt.get(userId);
    if (!row) return undefined;
    const custom: Record<string, string> = {};
    for (const { key, value } of this.customStmt.all(userId)) custom[key] = value;
    return {
      userId: row.user_id,
      nick: row.nick,
      gender: row.gender as Gender,
      faceUrl: row.face_url,
      selfSignature: row.self_signature,
      addPermission: row.add_permission as AddPermission,
      location: row.location,
      language: row.language,
      birthday: row.birthday,
      level: row.level,
      role: row.role,
      custom,
    };
  }

  getProfiles(userIds: readonly string[]): StoredProfile[] {
    const out: StoredProfile[] = [];
    for (const id of new Set(userIds)) {
      const p = this.getProfile(id);
      if (p) out.push(p);
    }
    return out;
  }

  updateProfile(userId: string, patch: ProfilePatch): StoredProfile {
    return this.updateTx(userId, patch);
  }

  customKeys(): Set<string> {
    this.keys ??= new Set(this.customKeysStmt.all().map((r) => r.key));
    return new Set(this.keys);
  }

  registerCustomKeys(keys: readonly string[]): void {
    this.keys = undefined;
    for (const key of keys) this.registerKeyStmt.run(key);
  }

  /**
   * Refuses custom keys the app has not registered: 40009, the service's "资料字段的 Tag 不存在"
   * (ERR_SVR_PROFILE_TAG_NOT_FOUND, TIMErrorCode.h), which the SDK passes on to the caller of
   * TIMProfileModifySelfUserProfile. Lenient: registers them instead, and a key past the 20 per app
   * is 9001 (ERR_SDK_FRIENDSHIP_INVALID_PROFILE_KEY).
   */
  private admitCustom(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const { refused, fresh } = admitKeys(this.customKeys(), keys, this.lenient, MAX_PROFILE_FIELDS);
    if (refused) {
      const code = refused.reason === 'unregistered' ? Code.PROFILE_TAG_NOT_FOUND : Code.INVALID_PROFILE;
      throw new RequestError(code, refusalText(refused, 'custom profile field', MAX_PROFILE_FIELDS));
    }
    if (fresh.length > 0) this.registerCustomKeys(fresh);
  }
}
