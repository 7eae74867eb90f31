/**
 * Presence: which session each user is logged in on, every user's status, status subscriptions,
 * and the pushes that follow a change. In memory; one per emulator.
 * @packageDocumentation
 */
import type { Presence, ProfileStore, StatusType, UserStatus } from './context';
import { encodeFrame, FrameType, PushEvent } from './protocol';
import { SubscriptionTable } from './subscriptions';
import { profileJson, statusJson } from './tim-json';

/** What presence needs from a connection (a `Session`). */
export interface PresenceClient {
  /** Writes an encoded frame to the connection. */
  send(frame: Buffer): void;
  /** The client's login was ended by presence (a kick); it must forget its user. */
  loginEnded(): void;
}

/** Encodes a PUSH frame once, to be written to any number of clients. */
export function pushFrame(event: PushEvent, json: string): Buffer {
  return encodeFrame({ type: FrameType.Push, event, json });
}

/**
 * The emulator's {@link Presence}. Rules (docs/emulator-protocol.md, Semantics): one logged-in
 * session per user, a newer login kicks the older; Online (1) while logged in; Offline (2) after the
 * connection dropped without logout; UnLogined (3) after logout, kick or sig expiry, and for users
 * never seen. The custom status lives while the user is logged in and is cleared when the user's
 * last session ends. Subscriptions belong to a session's login.
 */
export class PresenceHub implements Presence {
  private readonly sessions = new Map<string, PresenceClient>();
  private readonly users = new Map<PresenceClient, string>();
  private readonly lastType = new Map<string, Exclude<StatusType, 1>>();
  private readonly customs = new Map<string, string>();
  private readonly subscriptions = new SubscriptionTable<PresenceClient>();

  constructor(private readonly store: ProfileStore) {}

  isOnline(userId: string): boolean {
    return this.sessions.has(userId);
  }

  status(userId: string): UserStatus {
    if (this.sessions.has(userId)) return { type: 1, custom: this.customs.get(userId) ?? '' };
    return { type: this.lastType.get(userId) ?? 3, custom: '' };
  }

  profileChanged(userId: string): void {
    const profile = this.store.getProfile(userId);
    if (!profile) return;
    const json = profileJson(profile);
    this.sessions.get(userId)?.send(pushFrame(PushEvent.SelfInfoUpdated, JSON.stringify(json)));
    this.broadcast(userId, pushFrame(PushEvent.UserInfoChanged, JSON.stringify([json])));
  }

  kick(userId: string): boolean {
    const client = this.sessions.get(userId);
    if (!client) return false;
    client.send(pushFrame(PushEvent.KickedOffline, ''));
    client.loginEnded();
    this.endLogin(client, 3);
    return true;
  }

  /** The user id `client` is logged in as, if any. */
  userOf(client: PresenceClient): string | undefined {
    return this.users.get(client);
  }

  /**
   * Logs `client` (not logged in) in as `userId`. A session already logged in as that user is
   * kicked first (KICKED_OFFLINE, then it forgets its login); the user stays Online with its
   * custom status. Otherwise the user goes Online and its subscribers are told.
   */
  login(client: PresenceClient, userId: string): void {
    const previous = this.sessions.get(userId);
    if (previous) {
      previous.send(pushFrame(PushEvent.KickedOffline, ''));
      previous.loginEnded();
      this.forget(previous);
    }
    this.sessions.set(userId, client);
    this.users.set(client, userId);
    if (previous) return;
    this.lastType.delete(userId);
    this.broadcastStatus(userId, false);
  }

  /**
   * Ends `client`'s login: the user becomes `type` (2 Offline when the connection dropped, 3
   * UnLogined after logout or sig expiry), its custom status is cleared and its subscribers are
   * told. The client's subscriptions end. Does nothing when the client is not logged in.
   */
  endLogin(client: PresenceClient, type: Exclude<StatusType, 1>): void {
    const userId = this.users.get(client);
    if (userId === undefined) return;
    this.forget(client);
    if (this.sessions.get(userId) !== client) return;
    this.sessions.delete(userId);
    this.lastType.set(userId, type);
    this.customs.delete(userId);
    this.broadcastStatus(userId, false);
  }

  /** Sets the logged-in client's custom status (`""` clears); a change is pushed to its subscribers and to itself. */
  setCustomStatus(client: PresenceClient, custom: string): void {
    const userId = this.users.get(client);
    if (userId === undefined) return;
    if ((this.customs.get(userId) ?? '') === custom) return;
    if (custom === '') this.customs.delete(userId);
    else this.customs.set(userId, custom);
    this.broadcastStatus(userId, true);
  }

  /** Adds users to the client's subscription list (see {@link SubscriptionTable}). */
  subscribe(client: PresenceClient, userIds: readonly string[]): void {
    this.subscriptions.subscribe(client, userIds);
  }

  /** Removes users from the client's subscription list, or all of them. */
  unsubscribe(client: PresenceClient, userIds: readonly string[] | 'all'): void {
    if (userIds === 'all') this.subscriptions.clear(client);
    else this.subscriptions.unsubscribe(client, userIds);
  }

  /** The users the client is subscribed to, earliest first. */
  subscriptionsOf(client: PresenceClient): string[] {
    return this.subscriptions.list(client);
  }

  private forget(client: PresenceClient): void {
    this.users.delete(client);
    this.subscriptions.clear(client);
  }

  private broadcastStatus(userId: string, toSelf: boolean): void {
    const frame = pushFrame(PushEvent.UserStatusChanged, JSON.stringify([statusJson(userId, this.status(userId))]));
    this.broadcast(userId, frame);
    if (toSelf) this.sessions.get(userId)?.send(frame);
  }

  private broadcast(userId: string, frame: Buffer): void {
    for (const watcher of this.subscriptions.watchers(userId)) watcher.send(frame);
  }
}
