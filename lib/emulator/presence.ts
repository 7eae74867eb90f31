/**
 * Presence: which sessions each user is logged in on (one per platform), every user's status,
 * status and user-info subscriptions, the devices kicked while offline, and the pushes that follow
 * a change. In memory; one per emulator.
 * @packageDocumentation
 */
import { Code, RequestError } from './codes';
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

/** Who a connection is, from its HELLO (docs/emulator-protocol.md, "Handshake"). */
export interface ClientIdentity {
  /** The device identity; a connection without one gets an identity of its own. */
  device: string;
  /** The platform, one of the protocol's `PLATFORMS`. */
  platform: string;
}

/** Encodes a PUSH frame once, to be written to any number of clients. */
export function pushFrame(event: PushEvent, json: string): Buffer {
  return encodeFrame({ type: FrameType.Push, event, json });
}

interface Login extends ClientIdentity {
  userId: string;
}

/**
 * The emulator's {@link Presence}. Rules (docs/emulator-protocol.md, Semantics):
 * - Multi-device login follows the service's default policy: one session per user and platform; a
 *   newer login on the same platform kicks the older one (KICKED_OFFLINE), other platforms stay
 *   online (https://www.tencentcloud.com/document/product/1047/47970: by default each platform
 *   has one online terminal, "Android and Android kick each other").
 * - Kicked while offline (TIMManager.h, the note on TIMSetKickedOfflineCallback): a device that
 *   left without logging out and whose platform was then taken by another device gets 6208 at its
 *   next login; the login after that goes through and kicks the other device.
 * - Online (1) while logged in on any platform; Offline (2) after the last connection dropped
 *   without logout; UnLogined (3) after logout, kick or sig expiry, and for users never seen. The
 *   custom status lives while the user is logged in and is cleared when its last session ends.
 * - Subscriptions (status and user info) belong to a session's login.
 */
export class PresenceHub implements Presence {
  /** Each logged-in user's sessions by platform, in login order. */
  private readonly sessions = new Map<string, Map<string, PresenceClient>>();
  private readonly logins = new Map<PresenceClient, Login>();
  private readonly lastType = new Map<string, Exclude<StatusType, 1>>();
  private readonly customs = new Map<string, string>();
  private readonly statusSubscriptions = new SubscriptionTable<PresenceClient>();
  private readonly infoSubscriptions = new SubscriptionTable<PresenceClient>();
  /** user -> platform -> the device that logged in there last and has not logged out since (it may be offline). */
  private readonly holders = new Map<string, Map<string, string>>();
  /** user -> devices displaced while offline: their next login answers 6208. */
  private readonly kickedWhileOffline = new Map<string, Set<string>>();

  constructor(private readonly store: ProfileStore) {}

  isOnline(userId: string): boolean {
    return this.sessions.has(userId);
  }

  status(userId: string): UserStatus {
    const platforms = this.sessions.get(userId);
    if (platforms) return { type: 1, custom: this.customs.get(userId) ?? '', devices: [...platforms.keys()] };
    return { type: this.lastType.get(userId) ?? 3, custom: '', devices: [] };
  }

  profileChanged(userId: string): void {
    const profile = this.store.getProfile(userId);
    if (!profile) return;
    const json = profileJson(profile);
    this.toUser(userId, pushFrame(PushEvent.SelfInfoUpdated, JSON.stringify(json)));
    const frame = pushFrame(PushEvent.UserInfoChanged, JSON.stringify([json]));
    for (const watcher of this.infoSubscriptions.watchers(userId)) watcher.send(frame);
  }

  kick(userId: string): boolean {
    const platforms = this.sessions.get(userId);
    if (!platforms) return false;
    for (const client of [...platforms.values()]) {
      client.send(pushFrame(PushEvent.KickedOffline, ''));
      client.loginEnded();
      this.endLogin(client, 3);
    }
    return true;
  }

  /** The user id `client` is logged in as, if any. */
  userOf(client: PresenceClient): string | undefined {
    return this.logins.get(client)?.userId;
  }

  /**
   * Decides whether `device` may log in as `userId` now: throws 6208 once when the device was
   * displaced while offline (that answer is the change: its next login goes through). Call before
   * anything else about the login changes.
   */
  admit(userId: string, device: string): void {
    const marked = this.kickedWhileOffline.get(userId);
    if (!marked?.delete(device)) return;
    if (marked.size === 0) this.kickedWhileOffline.delete(userId);
    throw new RequestError(
      Code.KICKED_OFF_BY_OTHER,
      'kicked off by another device while offline: log in again to force this device online',
    );
  }

  /**
   * Logs `client` (not logged in, admitted by {@link admit}) in as `userId` on its platform. A
   * session of the user on the same platform is kicked first (KICKED_OFFLINE, then it forgets its
   * login); a device that held the platform but is offline is marked for 6208. The user's status
   * type changes only when it was not online: then it goes Online and its subscribers are told.
   */
  login(client: PresenceClient, userId: string, who: ClientIdentity): void {
    let platforms = this.sessions.get(userId);
    const wasOnline = platforms !== undefined;
    const previous = platforms?.get(who.platform);
    if (previous) {
      previous.send(pushFrame(PushEvent.KickedOffline, ''));
      previous.loginEnded();
      this.forget(previous);
      platforms!.delete(who.platform);
    } else {
      const holder = this.holders.get(userId)?.get(who.platform);
      if (holder !== undefined && holder !== who.device) this.markKickedWhileOffline(userId, holder);
    }
    if (!platforms) {
      platforms = new Map();
      this.sessions.set(userId, platforms);
    }
    platforms.set(who.platform, client);
    this.logins.set(client, { userId, ...who });
    this.holderMap(userId).set(who.platform, who.device);
    if (wasOnline) return;
    this.lastType.delete(userId);
    this.broadcastStatus(userId, false);
  }

  /**
   * Ends `client`'s login. Its subscriptions end; after a logout (3) its device no longer holds
   * the platform, after a dropped connection (2) it does (it can then be kicked while offline).
   * When it was the user's last session, the user becomes `type`, its custom status is cleared and
   * its subscribers are told. Does nothing when the client is not logged in.
   */
  endLogin(client: PresenceClient, type: Exclude<StatusType, 1>): void {
    const login = this.logins.get(client);
    if (login === undefined) return;
    this.forget(client);
    const { userId, platform, device } = login;
    const platforms = this.sessions.get(userId);
    if (platforms?.get(platform) !== client) return;
    platforms.delete(platform);
    if (type === 3 && this.holders.get(userId)?.get(platform) === device) this.holders.get(userId)!.delete(platform);
    if (platforms.size > 0) return;
    this.sessions.delete(userId);
    this.lastType.set(userId, type);
    this.customs.delete(userId);
    this.broadcastStatus(userId, false);
  }

  /** Sets the logged-in client's custom status (`""` clears); a change is pushed to its subscribers and to the user's sessions. */
  setCustomStatus(client: PresenceClient, custom: string): void {
    const userId = this.userOf(client);
    if (userId === undefined) return;
    if ((this.customs.get(userId) ?? '') === custom) return;
    if (custom === '') this.customs.delete(userId);
    else this.customs.set(userId, custom);
    this.broadcastStatus(userId, true);
  }

  /** Adds users to the client's status subscription list (see {@link SubscriptionTable}). */
  subscribe(client: PresenceClient, userIds: readonly string[]): void {
    this.statusSubscriptions.subscribe(client, userIds);
  }

  /** Removes users from the client's status subscription list, or all of them. */
  unsubscribe(client: PresenceClient, userIds: readonly string[] | 'all'): void {
    unsubscribeFrom(this.statusSubscriptions, client, userIds);
  }

  /** The users whose status the client is subscribed to, earliest first. */
  subscriptionsOf(client: PresenceClient): string[] {
    return this.statusSubscriptions.list(client);
  }

  /**
   * Adds users to the client's user-info subscription list (`TIMSubscribeUserInfo`: at most 200,
   * the earliest evicted). The client's own user is left out: its changes come through
   * SELF_INFO_UPDATED (TIMManager.h 6.3).
   */
  subscribeInfo(client: PresenceClient, userIds: readonly string[]): void {
    const self = this.userOf(client);
    this.infoSubscriptions.subscribe(
      client,
      userIds.filter((id) => id !== self),
    );
  }

  /** Removes users from the client's user-info subscription list, or all of them (TIMManager.h 6.4). */
  unsubscribeInfo(client: PresenceClient, userIds: readonly string[] | 'all'): void {
    unsubscribeFrom(this.infoSubscriptions, client, userIds);
  }

  /** The users whose profile changes the client is subscribed to, earliest first. */
  infoSubscriptionsOf(client: PresenceClient): string[] {
    return this.infoSubscriptions.list(client);
  }

  private markKickedWhileOffline(userId: string, device: string): void {
    let marked = this.kickedWhileOffline.get(userId);
    if (!marked) {
      marked = new Set();
      this.kickedWhileOffline.set(userId, marked);
    }
    marked.add(device);
  }

  private holderMap(userId: string): Map<string, string> {
    let map = this.holders.get(userId);
    if (!map) {
      map = new Map();
      this.holders.set(userId, map);
    }
    return map;
  }

  private forget(client: PresenceClient): void {
    this.logins.delete(client);
    this.statusSubscriptions.clear(client);
    this.infoSubscriptions.clear(client);
  }

  private toUser(userId: string, frame: Buffer): void {
    for (const client of this.sessions.get(userId)?.values() ?? []) client.send(frame);
  }

  private broadcastStatus(userId: string, toSelf: boolean): void {
    const frame = pushFrame(PushEvent.UserStatusChanged, JSON.stringify([statusJson(userId, this.status(userId))]));
    for (const watcher of this.statusSubscriptions.watchers(userId)) watcher.send(frame);
    if (toSelf) this.toUser(userId, frame);
  }
}

function unsubscribeFrom(table: SubscriptionTable<PresenceClient>, client: PresenceClient, userIds: readonly string[] | 'all'): void {
  if (userIds === 'all') table.clear(client);
  else table.unsubscribe(client, userIds);
}
