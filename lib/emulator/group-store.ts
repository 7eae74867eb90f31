/**
 * Groups, their members and the members' custom data, persisted in the emulator's SQLite database
 * beside the accounts (tables `tim_group*`, created idempotently). Synchronous, like the profile
 * store; callers validate and run multi-step changes inside {@link GroupStore.transaction}.
 *
 * Groups, member lookups and the member custom keys are cached (the REST member queries are the
 * emulator's hottest REST path): every write through this class drops what it touches (a group's
 * member cache also when its members' custom data changes, so a cached member object stands for
 * the member and its data), a rolled-back transaction drops all of it. All writes to these tables
 * must go through this class.
 * @packageDocumentation
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AppDefinedDataItem, ApplyJoinOption, GroupMemberRole, GroupMsgFlag, GroupType } from '../rest/types';

/** A group as stored. */
export interface StoredGroup {
  groupId: string;
  type: GroupType;
  name: string;
  /** `""` when the group has no owner. */
  ownerAccount: string;
  introduction: string;
  notification: string;
  faceUrl: string;
  maxMemberCount: number;
  applyJoinOption: ApplyJoinOption;
  /** Unix seconds. */
  createTime: number;
}

/** A member as stored. */
export interface StoredMember {
  account: string;
  role: GroupMemberRole;
  /** Unix seconds. */
  joinTime: number;
  msgSeq: number;
  msgFlag: GroupMsgFlag;
  lastSendMsgTime: number;
  /** Unix seconds the mute ends; 0 when never muted. */
  muteUntil: number;
  nameCard: string;
}

/** A member to add: the account and its role, the rest defaulted. */
export interface NewMember {
  account: string;
  role: GroupMemberRole;
  joinTime: number;
}

/** Member fields that can change. */
export type MemberPatch = Partial<Pick<StoredMember, 'role' | 'msgFlag' | 'nameCard' | 'muteUntil'>>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tim_groups (
  group_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_account TEXT NOT NULL DEFAULT '',
  introduction TEXT NOT NULL DEFAULT '',
  notification TEXT NOT NULL DEFAULT '',
  face_url TEXT NOT NULL DEFAULT '',
  max_member_count INTEGER NOT NULL,
  apply_join_option TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tim_group_data (
  group_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (group_id, key)
);
CREATE TABLE IF NOT EXISTS tim_group_members (
  group_id TEXT NOT NULL,
  account TEXT NOT NULL,
  role TEXT NOT NULL,
  join_time INTEGER NOT NULL,
  msg_seq INTEGER NOT NULL DEFAULT 0,
  msg_flag TEXT NOT NULL DEFAULT 'AcceptAndNotify',
  last_send_msg_time INTEGER NOT NULL DEFAULT 0,
  mute_until INTEGER NOT NULL DEFAULT 0,
  name_card TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (group_id, account)
);
CREATE TABLE IF NOT EXISTS tim_group_member_data (
  group_id TEXT NOT NULL,
  account TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (group_id, account, key)
);
CREATE TABLE IF NOT EXISTS tim_group_member_keys (
  key TEXT PRIMARY KEY
);
`;

interface GroupRow {
  group_id: string;
  type: GroupType;
  name: string;
  owner_account: string;
  introduction: string;
  notification: string;
  face_url: string;
  max_member_count: number;
  apply_join_option: ApplyJoinOption;
  create_time: number;
}

interface MemberRow {
  account: string;
  role: GroupMemberRole;
  join_time: number;
  msg_seq: number;
  msg_flag: GroupMsgFlag;
  last_send_msg_time: number;
  mute_until: number;
  name_card: string;
}

interface MemberUpdate {
  group_id: string;
  account: string;
  role: string | null;
  msg_flag: string | null;
  name_card: string | null;
  mute_until: number | null;
}

/** Groups whose member lookups are kept, least recently used dropped first. */
const CACHED_GROUPS = 64;
/** Group records (or known absences) kept before that cache starts over. */
const CACHED_GROUP_RECORDS = 1024;
/** Lookups kept per group before its cache starts over. */
const CACHED_LOOKUPS = 10_000;

const MEMBER_COLUMNS = 'account, role, join_time, msg_seq, msg_flag, last_send_msg_time, mute_until, name_card';

/** The group tables of one database. */
export class GroupStore {
  private readonly stmt: {
    getGroup: Statement<[string], GroupRow>;
    insertGroup: Statement<[GroupRow]>;
    insertGroupData: Statement<[string, string, string]>;
    deleteGroup: Statement<[string]>;
    deleteGroupData: Statement<[string]>;
    deleteGroupMembers: Statement<[string]>;
    deleteGroupMemberData: Statement<[string]>;
    countMembers: Statement<[string], { n: number }>;
    getMembers: Statement<[string, string], MemberRow>;
    pageMembers: Statement<[string, number, number], MemberRow>;
    insertMember: Statement<[string, string, string, number]>;
    deleteMember: Statement<[string, string]>;
    updateMember: Statement<[MemberUpdate]>;
    deleteMemberData: Statement<[string, string]>;
    memberData: Statement<[string, string], { account: string; key: string; value: string }>;
    setMemberData: Statement<[string, string, string, string]>;
    clearMemberData: Statement<[string, string, string]>;
    memberKeys: Statement<[], { key: string }>;
    registerKey: Statement<[string]>;
  };

  /** Per group: account -> member, or null for a known non-member. */
  private readonly cache = new Map<string, Map<string, StoredMember | null>>();
  /** Group id -> frozen group, or null for a known absence. */
  private readonly groups = new Map<string, StoredGroup | null>();
  /** The member custom keys, once read. */
  private keys: readonly string[] | undefined;

  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
    this.stmt = {
      getGroup: db.prepare('SELECT * FROM tim_groups WHERE group_id = ?'),
      insertGroup: db.prepare(
        `INSERT INTO tim_groups (group_id, type, name, owner_account, introduction, notification, face_url,
           max_member_count, apply_join_option, create_time)
         VALUES (@group_id, @type, @name, @owner_account, @introduction, @notification, @face_url,
           @max_member_count, @apply_join_option, @create_time)`,
      ),
      insertGroupData: db.prepare('INSERT OR REPLACE INTO tim_group_data (group_id, key, value) VALUES (?, ?, ?)'),
      deleteGroup: db.prepare('DELETE FROM tim_groups WHERE group_id = ?'),
      deleteGroupData: db.prepare('DELETE FROM tim_group_data WHERE group_id = ?'),
      deleteGroupMembers: db.prepare('DELETE FROM tim_group_members WHERE group_id = ?'),
      deleteGroupMemberData: db.prepare('DELETE FROM tim_group_member_data WHERE group_id = ?'),
      countMembers: db.prepare('SELECT COUNT(*) AS n FROM tim_group_members WHERE group_id = ?'),
      getMembers: db.prepare(
        `SELECT ${MEMBER_COLUMNS} FROM tim_group_members
         WHERE group_id = ? AND account IN (SELECT value FROM json_each(?))`,
      ),
      pageMembers: db.prepare(
        `SELECT ${MEMBER_COLUMNS} FROM tim_group_members WHERE group_id = ? ORDER BY rowid LIMIT ? OFFSET ?`,
      ),
      insertMember: db.prepare('INSERT INTO tim_group_members (group_id, account, role, join_time) VALUES (?, ?, ?, ?)'),
      deleteMember: db.prepare('DELETE FROM tim_group_members WHERE group_id = ? AND account = ?'),
      updateMember: db.prepare(
        `UPDATE tim_group_members SET role = COALESCE(@role, role), msg_flag = COALESCE(@msg_flag, msg_flag),
           name_card = COALESCE(@name_card, name_card), mute_until = COALESCE(@mute_until, mute_until)
         WHERE group_id = @group_id AND account = @account`,
      ),
      deleteMemberData: db.prepare('DELETE FROM tim_group_member_data WHERE group_id = ? AND account = ?'),
      memberData: db.prepare(
        `SELECT account, key, value FROM tim_group_member_data
         WHERE group_id = ? AND account IN (SELECT value FROM json_each(?))`,
      ),
      setMemberData: db.prepare(
        'INSERT OR REPLACE INTO tim_group_member_data (group_id, account, key, value) VALUES (?, ?, ?, ?)',
      ),
      clearMemberData: db.prepare('DELETE FROM tim_group_member_data WHERE group_id = ? AND account = ? AND key = ?'),
      memberKeys: db.prepare('SELECT key FROM tim_group_member_keys ORDER BY rowid'),
      registerKey: db.prepare('INSERT OR IGNORE INTO tim_group_member_keys (key) VALUES (?)'),
    };
  }

  /** Runs `fn` in one transaction (nested calls become savepoints): all of it or none. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      this.dropCaches();
      throw e;
    }
  }

  /** The group, or undefined. The object is frozen. */
  getGroup(groupId: string): StoredGroup | undefined {
    const hit = this.groups.get(groupId);
    if (hit !== undefined) return hit ?? undefined;
    const group = this.readGroup(groupId);
    if (this.groups.size >= CACHED_GROUP_RECORDS) this.groups.clear();
    this.groups.set(groupId, group ? Object.freeze(group) : null);
    return group;
  }

  private readGroup(groupId: string): StoredGroup | undefined {
    const r = this.stmt.getGroup.get(groupId);
    return r && {
      groupId: r.group_id,
      type: r.type,
      name: r.name,
      ownerAccount: r.owner_account,
      introduction: r.introduction,
      notification: r.notification,
      faceUrl: r.face_url,
      maxMemberCount: r.max_member_count,
      applyJoinOption: r.apply_join_option,
      createTime: r.create_time,
    };
  }

  /** Creates a group with its custom data and first members. The id must be free. */
  createGroup(group: StoredGroup, data: readonly AppDefinedDataItem[], members: readonly NewMember[]): void {
    this.cache.delete(group.groupId);
    this.groups.delete(group.groupId);
    this.transaction(() => {
      this.stmt.insertGroup.run({
        group_id: group.groupId,
        type: group.type,
        name: group.name,
        owner_account: group.ownerAccount,
        introduction: group.introduction,
        notification: group.notification,
        face_url: group.faceUrl,
        max_member_count: group.maxMemberCount,
        apply_join_option: group.applyJoinOption,
        create_time: group.createTime,
      });
      for (const d of data) this.stmt.insertGroupData.run(group.groupId, d.Key, d.Value);
      this.addMembers(group.groupId, members);
    });
  }

  /** Deletes a group with its data, members and member data. False when it did not exist. */
  destroyGroup(groupId: string): boolean {
    this.cache.delete(groupId);
    this.groups.delete(groupId);
    return this.transaction(() => {
      this.stmt.deleteGroupData.run(groupId);
      this.stmt.deleteGroupMemberData.run(groupId);
      this.stmt.deleteGroupMembers.run(groupId);
      return this.stmt.deleteGroup.run(groupId).changes > 0;
    });
  }

  /** Number of members. */
  memberCount(groupId: string): number {
    return this.stmt.countMembers.get(groupId)?.n ?? 0;
  }

  /** One member, or undefined. */
  getMember(groupId: string, account: string): StoredMember | undefined {
    return this.getMembers(groupId, [account])[0];
  }

  /** The members among `accounts`, in that order, each once. Returned objects are frozen. */
  getMembers(groupId: string, accounts: readonly string[]): StoredMember[] {
    const known = this.cached(groupId);
    let missing: Set<string> | undefined;
    for (const a of accounts) if (!known.has(a)) (missing ??= new Set()).add(a);
    if (missing) {
      if (known.size + missing.size > CACHED_LOOKUPS) {
        // Starting over forgets the members already known too: look all of them up again.
        known.clear();
        missing = new Set(accounts);
      }
      const rows = this.stmt.getMembers.all(groupId, JSON.stringify([...missing]));
      const found = new Map(rows.map((r) => [r.account, Object.freeze(toMember(r))]));
      for (const a of missing) known.set(a, found.get(a) ?? null);
    }
    const out: StoredMember[] = [];
    const seen = new Set<StoredMember>();
    for (const a of accounts) {
      const m = known.get(a);
      if (m && !seen.has(m)) {
        seen.add(m);
        out.push(m);
      }
    }
    return out;
  }

  /** Members in join order, from `offset`, at most `limit` (all when undefined). */
  listMembers(groupId: string, offset: number, limit?: number): StoredMember[] {
    return this.stmt.pageMembers.all(groupId, limit ?? -1, offset).map(toMember);
  }

  /** Adds members that are not members yet. */
  addMembers(groupId: string, members: readonly NewMember[]): void {
    this.cache.delete(groupId);
    this.transaction(() => {
      for (const m of members) this.stmt.insertMember.run(groupId, m.account, m.role, m.joinTime);
    });
  }

  /** Removes members and their custom data; returns how many were members. */
  removeMembers(groupId: string, accounts: readonly string[]): number {
    this.cache.delete(groupId);
    return this.transaction(() => {
      let n = 0;
      for (const account of new Set(accounts)) {
        this.stmt.deleteMemberData.run(groupId, account);
        n += this.stmt.deleteMember.run(groupId, account).changes;
      }
      return n;
    });
  }

  /** Changes a member's fields (absent ones stay). */
  updateMember(groupId: string, account: string, patch: MemberPatch): void {
    this.cache.delete(groupId);
    this.stmt.updateMember.run({
      group_id: groupId,
      account,
      role: patch.role ?? null,
      msg_flag: patch.msgFlag ?? null,
      name_card: patch.nameCard ?? null,
      mute_until: patch.muteUntil ?? null,
    });
  }

  /** Custom data of members (keys ever set to a non-empty value), by account (one query). */
  memberData(groupId: string, accounts: readonly string[]): Map<string, Map<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const r of this.stmt.memberData.all(groupId, JSON.stringify(accounts))) {
      let data = out.get(r.account);
      if (!data) out.set(r.account, (data = new Map()));
      data.set(r.key, r.value);
    }
    return out;
  }

  /** Sets a member's custom fields; an empty value clears the field. The keys must be registered (the caller checks). */
  setMemberData(groupId: string, account: string, items: readonly AppDefinedDataItem[]): void {
    this.cache.delete(groupId);
    this.transaction(() => {
      for (const { Key, Value } of items) {
        if (Value === '') this.stmt.clearMemberData.run(groupId, account, Key);
        else this.stmt.setMemberData.run(groupId, account, Key, Value);
      }
    });
  }

  /** Registers member custom keys (validated by the caller), as the console's feature configuration does; idempotent. */
  registerMemberKeys(keys: readonly string[]): void {
    this.keys = undefined;
    this.transaction(() => {
      for (const key of keys) this.stmt.registerKey.run(key);
    });
  }

  /**
   * The member custom keys registered for the app, in registration order (`custom-fields.ts`). A
   * data file from before registration existed has the keys it used registered.
   */
  memberKeys(): readonly string[] {
    this.keys ??= Object.freeze(this.stmt.memberKeys.all().map((r) => r.key));
    return this.keys;
  }

  private dropCaches(): void {
    this.cache.clear();
    this.groups.clear();
    this.keys = undefined;
  }

  /** The group's lookup cache, made most recently used. */
  private cached(groupId: string): Map<string, StoredMember | null> {
    let known = this.cache.get(groupId);
    if (known) this.cache.delete(groupId);
    else {
      known = new Map();
      if (this.cache.size >= CACHED_GROUPS) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(groupId, known);
    return known;
  }
}

function toMember(r: MemberRow): StoredMember {
  return {
    account: r.account,
    role: r.role,
    joinTime: r.join_time,
    msgSeq: r.msg_seq,
    msgFlag: r.msg_flag,
    lastSendMsgTime: r.last_send_msg_time,
    muteUntil: r.mute_until,
    nameCard: r.name_card,
  };
}
