/**
 * Standard profile tags the shared profile store has no field for (`Tag_Profile_IM_MsgSettings`,
 * `Tag_Profile_IM_AdminForbidType`): kept per account in the REST side's own table.
 * @packageDocumentation
 */
import type { Database, Statement } from 'better-sqlite3';

/** Tag values by account, in table `tim_profile_extra`. */
export class ProfileExtras {
  private readonly getStmt: Statement<[string, string], { value: string }>;
  private readonly setStmt: Statement<[string, string, string]>;

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS tim_profile_extra (
      user_id TEXT NOT NULL,
      tag TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (user_id, tag)
    )`);
    this.getStmt = db.prepare('SELECT value FROM tim_profile_extra WHERE user_id = ? AND tag = ?');
    this.setStmt = db.prepare('INSERT OR REPLACE INTO tim_profile_extra (user_id, tag, value) VALUES (?, ?, ?)');
  }

  /** The stored value (JSON text), or undefined. */
  get(userId: string, tag: string): string | number | undefined {
    const row = this.getStmt.get(userId, tag);
    return row ? (JSON.parse(row.value) as string | number) : undefined;
  }

  /** Stores a value. */
  set(userId: string, tag: string, value: string | number): void {
    this.setStmt.run(userId, tag, JSON.stringify(value));
  }
}
