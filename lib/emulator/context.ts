/**
 * The contract between the emulator's parts: the native-protocol server (`session.ts`), the REST
 * API (`rest-server/`) and the state they share. The REST side receives one {@link EmulatorContext} from
 * `createRestHandler(ctx)` and reaches accounts, profiles and presence only through it.
 * @packageDocumentation
 */
import type { RequestListener } from 'http';
import type { Database } from 'better-sqlite3';

/** The emulator's fixed configuration, as resolved from `startEmulator` options. */
export interface EmulatorConfig {
  /** The one SDKAppID this emulator serves. */
  sdkAppId: number;
  /** The key UserSigs are signed with (client logins and REST admin sigs). */
  secretKey: string;
  /** App admins allowed to call the REST API (default `['administrator']`). */
  admins: string[];
  /** REST calls per second allowed per API, or `false` for no limit. */
  restRateLimit: number | false;
  /**
   * Register custom profile and group member keys on first use instead of refusing unregistered
   * ones (default false). Not what the service does (`custom-fields.ts`).
   */
  lenientCustomFields?: boolean;
}

/** Gender of a profile: 0 unknown, 1 male, 2 female (`TIMGenderType`). */
export type Gender = 0 | 1 | 2;

/** Friend add permission: 0 unknown, 1 allow any, 2 need confirm, 3 deny any (`TIMProfileAddPermission`). */
export type AddPermission = 0 | 1 | 2 | 3;

/** A user's profile as stored. */
export interface StoredProfile {
  userId: string;
  nick: string;
  gender: Gender;
  faceUrl: string;
  selfSignature: string;
  addPermission: AddPermission;
  location: string;
  language: number;
  birthday: number;
  level: number;
  role: number;
  /** Custom fields by full key (`Tag_Profile_Custom_<keyword>`). Only fields ever set appear. */
  custom: Record<string, string>;
}

/**
 * A change to a profile. Absent fields stay as they are. `custom` keys are full keys
 * (`Tag_Profile_Custom_<keyword>`); the listed fields are set, others stay. The caller validates
 * every value (types, enums, lengths) before calling {@link ProfileStore.updateProfile}.
 */
export type ProfilePatch = Partial<Omit<StoredProfile, 'userId' | 'custom'>> & {
  custom?: Record<string, string>;
};

/** Accounts and profiles, persisted in SQLite (`store.ts`). All methods are synchronous. */
export interface ProfileStore {
  /** Whether the account exists. */
  hasAccount(userId: string): boolean;
  /**
   * Creates the account when it does not exist yet, with `init` as its first nick and face url.
   * An existing account is left unchanged. Returns true when the account was created.
   */
  ensureAccount(userId: string, init?: { nick?: string; faceUrl?: string }): boolean;
  /** The profile of one account, or undefined when the account does not exist. */
  getProfile(userId: string): StoredProfile | undefined;
  /** Profiles of the accounts that exist, in the order asked, each once. */
  getProfiles(userIds: readonly string[]): StoredProfile[];
  /**
   * Applies a validated patch in one transaction and returns the new profile. Throws when the
   * account does not exist, and `RequestError` 40009 for a custom key not registered (lenient
   * stores register it, 9001 past 20 keys); nothing changes then.
   */
  updateProfile(userId: string, patch: ProfilePatch): StoredProfile;
  /**
   * The custom profile keys registered for the app (full keys), as the console lists them
   * (`custom-fields.ts`). `updateProfile` refuses other keys unless the store is lenient.
   */
  customKeys(): Set<string>;
  /** Registers custom profile keys (full keys, validated by the caller); idempotent. */
  registerCustomKeys(keys: readonly string[]): void;
}

/** A user's status type: 1 Online, 2 Offline, 3 UnLogined (`TIMUserStatusType`; 0 is never used). */
export type StatusType = 1 | 2 | 3;

/** A user's status as the emulator knows it. */
export interface UserStatus {
  type: StatusType;
  /** The custom status; `""` when none. */
  custom: string;
  /**
   * The platforms the user is logged in on, in login order (`[]` unless Online): what
   * `user_status_online_devices` lists and what a per-platform REST `Detail` can report.
   */
  devices: string[];
}

/** Who is logged in, their status, and the pushes that follow changes (`presence.ts`, in memory). */
export interface Presence {
  /** Whether the user is logged in on a connected session. */
  isOnline(userId: string): boolean;
  /** The user's status; accounts that never logged in (or do not exist) are UnLogined (3). */
  status(userId: string): UserStatus;
  /**
   * Tells logged-in clients that a profile changed outside the native protocol (e.g. REST
   * `portrait_set`): the user's sessions get SELF_INFO_UPDATED, the sessions subscribed to its
   * profile (TIMSubscribeUserInfo) USER_INFO_CHANGED. Does nothing for an unknown account.
   */
  profileChanged(userId: string): void;
  /**
   * Kicks the user's logged-in sessions, every platform (KICKED_OFFLINE push), which makes the user UnLogined.
   * Returns false when the user was not logged in.
   */
  kick(userId: string): boolean;
}

/** Everything the emulator's parts share. */
export interface EmulatorContext {
  config: EmulatorConfig;
  /** The emulator's database; the REST side may add its own tables (e.g. groups). */
  db: Database;
  store: ProfileStore;
  presence: Presence;
}

/**
 * What `lib/emulator/rest-server/index.ts` exports as `createRestHandler`: builds the HTTP request handler
 * of the REST API for one emulator.
 */
export type CreateRestHandler = (ctx: EmulatorContext) => RequestListener;
