/**
 * {@link TIMClient}: the promise API over one TIM C library (Tencent's, or the emulator backend).
 * Its parts: the call pipeline (lib/call-pipeline.ts), the parameters (lib/client-params.ts), the
 * native listeners (lib/native-listeners.ts) and the per-library registry (lib/library-registry.ts).
 * @packageDocumentation
 */
import { EventEmitter } from 'events';
import * as path from 'path';
import { loadAddon } from './binding';
import { CallPipeline, Op } from './call-pipeline';
import { buildProfileListParam, buildStatusParam, checkProfileItem, parseArray, parseNothing } from './client-params';
import { defaultSdkDirs, ensureDir } from './config-dir';
import { kTIMNativeEmulatorAddress, kTIMSdkConfigConfigFilePath, kTIMSdkConfigLogFilePath, kTIMSetConfigIsLogOutputConsole } from './constants';
import type { TIMLoginStatus } from './constants';
import { captureCallSite, failAt, TIMError, withCallSite } from './errors';
import { claimLibrary, releaseLibrary } from './library-registry';
import type { RawSdk } from './native';
import { NativeListeners } from './native-listeners';
import type {
  ErrorStacks,
  GetUserProfileListParam,
  SdkConfig,
  TIMClientEventName,
  TIMClientEvents,
  TIMClientListener,
  TIMClientOptions,
  UserProfile,
  UserProfileItem,
  UserStatus,
  UserStatusParam,
} from './types';
import {
  checkBoolean,
  checkEmulatorAddress,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  checkPositiveInteger,
  checkSdkAppId,
  checkString,
  invalidArgument,
  stringArrayJson,
} from './validate';

/** The vendor's own limit of requests in flight (beyond it the vendor fails calls with 9507). */
const DEFAULT_MAX_IN_FLIGHT = 1000;
/** The values of `options.errorStacks`. */
const ERROR_STACKS: readonly ErrorStacks[] = ['async', 'call-site', 'none'];
/** Largest delay `setTimeout` honours. */
const MAX_TIMEOUT_MS = 0x7fffffff;

const OPTION_KEYS: ReadonlySet<string> = new Set(['sdkPath', 'emulator', 'logToConsole', 'maxInFlight', 'timeoutMs', 'errorStacks']);
const SDK_CONFIG_KEYS: ReadonlySet<string> = new Set([
  kTIMSdkConfigConfigFilePath,
  kTIMSdkConfigLogFilePath,
  kTIMNativeEmulatorAddress,
]);

// The C functions' string arguments, built from each public method's arguments (static
// functions, not closures: nothing is allocated for them per call). They throw TypeError.
function loginArgs(userId: unknown, userSig: unknown): string {
  checkString(userSig, 'userSig'); // TIMLogin's second argument; the pipeline passes it on as given
  return checkString(userId, 'userId');
}
function noArgs(): string {
  return '';
}
function profileListArgs(param: unknown): string {
  return JSON.stringify(buildProfileListParam(param));
}
function profileItemArgs(item: unknown): string {
  return JSON.stringify(checkProfileItem(item));
}
function userIdsArgs(userIds: unknown): string {
  return stringArrayJson(userIds, 'userIds');
}
function optionalUserIdsArgs(userIds: unknown): string {
  return userIds === undefined ? '' : stringArrayJson(userIds, 'userIds');
}
function statusArgs(status: unknown): string {
  return JSON.stringify(buildStatusParam(status));
}

/**
 * The typed events of {@link TIMClient}: typed overloads of EventEmitter's own methods, which
 * implement them (so the merge declares nothing unimplemented; a generic EventEmitter would tie
 * users to a recent @types/node).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface TIMClient {
  /** Adds a listener of a {@link TIMClientEvents} event; the native listener starts with the first one. */
  on<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Same as {@link TIMClient.on}. */
  addListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Adds a listener called at most once. */
  once<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Adds a listener at the front of the list. */
  prependListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Adds a once-listener at the front of the list. */
  prependOnceListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Removes a listener; the native listener stops with the last one. */
  off<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Same as {@link TIMClient.off}. */
  removeListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this;
  /** Emits an event (the client does this when the library reports one). */
  emit<E extends TIMClientEventName>(event: E, ...args: TIMClientEvents[E]): boolean;
}

/**
 * A TIM client: promises for the calls, typed events for the listeners, validation before anything
 * reaches the C library.
 *
 * - Every method sends exactly the JSON its C function documents and resolves with the parsed
 *   answer (objects keyed by the `kTIM*` strings). A failure rejects with {@link TIMError}: the
 *   library's callback code, or the negative `TIMResult` when it refused the call. Bad arguments
 *   reject (or, for the synchronous methods, throw) a `TypeError` before anything reaches the
 *   library. Promise-returning methods never throw. A TIMError's stack is one frame of
 *   tim-native's, then the async functions awaiting the call, captured when it fails (see
 *   `errorStacks` for the synchronous call site, or none).
 * - Calls are handed to the library at most `maxInFlight` at a time (default 1000, the vendor's own
 *   limit); the others wait in FIFO order.
 * - With `timeoutMs`, a call that has not settled in time rejects with 6012
 *   (`ERR_REQUEST_TIME_OUT`). A call still waiting in the queue is simply never sent. A call
 *   already in the library keeps its in-flight slot until the library answers (the answer is then
 *   dropped) or until `uninit()`: the library is still working on it and still counts it against
 *   its own in-flight limit, so releasing the slot early would only move the failure to 9507.
 * - `uninit()` settles every pending call of this client at once with 7009
 *   (`ERR_SDK_COMM_INTERRUPT`): the vendor library silently drops queued requests at TIMUninit.
 * - Native listeners start with the first JS listener of an event (while initialised) and stop with
 *   the last one; they never keep the process alive. Payloads arrive parsed.
 * - The TIM SDK is one per process: in one thread, only one client may be initialised per library
 *   at a time; another thread that tries to initialise a library owned elsewhere gets an Error.
 *
 * @example
 * ```ts
 * import { TIMClient, genUserSig, kTIMUserProfileItemNickName } from 'tim-native';
 *
 * const client = new TIMClient({ sdkPath: '/opt/tim/libImSDK.so' }); // omit sdkPath: emulator
 * client.on('kickedOffline', () => console.log('logged in elsewhere'));
 * client.init(1400000001);
 * await client.login('alice', genUserSig({ sdkAppId: 1400000001, secretKey, userId: 'alice' }));
 * await client.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'Alice' });
 * const [status] = await client.getUserStatus(['bob']);
 * client.uninit();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class TIMClient extends EventEmitter {
  private readonly sdk: RawSdk;
  private readonly emulatorAddress: string | undefined;
  private readonly logToConsole: boolean;
  private readonly calls: CallPipeline;
  private readonly nativeListeners: NativeListeners;
  private initialised = false;

  /**
   * Loads the library (`sdkPath`, else the emulator backend built into the addon). Throws a
   * `TypeError` for bad options and an Error naming the cause when the library cannot be loaded.
   */
  constructor(options: TIMClientOptions = {}) {
    super();
    const opts = checkObject(options, 'options');
    checkKnownKeys(opts, OPTION_KEYS, 'options');
    const sdkPath = opts.sdkPath === undefined ? undefined : checkString(opts.sdkPath, 'options.sdkPath');
    if (sdkPath === '') throw invalidArgument('options.sdkPath must not be empty');
    this.emulatorAddress = opts.emulator === undefined ? undefined : checkEmulatorAddress(opts.emulator, 'options.emulator');
    // The embedded backend reads TIM_EMULATOR_HOST at init: a bad value is named here, not a -4 there.
    const fromEnv = process.env.TIM_EMULATOR_HOST;
    if (sdkPath === undefined && this.emulatorAddress === undefined && fromEnv) checkEmulatorAddress(fromEnv, 'TIM_EMULATOR_HOST');
    this.logToConsole = opts.logToConsole === undefined ? false : checkBoolean(opts.logToConsole, 'options.logToConsole');
    const maxInFlight =
      opts.maxInFlight === undefined
        ? DEFAULT_MAX_IN_FLIGHT
        : checkPositiveInteger(opts.maxInFlight, Number.MAX_SAFE_INTEGER, 'options.maxInFlight');
    const timeoutMs = opts.timeoutMs === undefined ? undefined : checkPositiveInteger(opts.timeoutMs, MAX_TIMEOUT_MS, 'options.timeoutMs');
    const errorStacks = opts.errorStacks === undefined ? 'async' : checkOneOf(opts.errorStacks, ERROR_STACKS, 'options.errorStacks');
    const addon = loadAddon();
    // A bare file name is left to the system's library search; a path is made absolute.
    const isBareName = sdkPath !== undefined && !sdkPath.includes('/') && !sdkPath.includes(path.sep);
    this.sdk = sdkPath === undefined ? addon.load() : addon.load(isBareName ? sdkPath : path.resolve(sdkPath));
    this.calls = new CallPipeline(this.sdk, { maxInFlight, timeoutMs, errorStacks });
    this.nativeListeners = new NativeListeners(this.sdk, this);
  }

  /** Version of the loaded library (`TIMGetSDKVersion`); works before `init()`. */
  get sdkVersion(): string {
    return this.sdk.TIMGetSDKVersion();
  }

  /** Path of the loaded library, or `"embedded-emulator"` for the built-in backend. */
  get sdkPath(): string {
    return this.sdk.path;
  }

  /** Whether `init()` succeeded and `uninit()` has not been called since. */
  get isInitialised(): boolean {
    return this.initialised;
  }

  /**
   * Initialises the SDK (`TIMInit`). Folders not named in `config` default to a per-user folder
   * (see `defaultSdkDirs`); every folder is created when missing. Unless `logToConsole` is set,
   * turns the SDK's stdout log off first (TIMUninit resets that setting, so it is done on every
   * init). Throws a `TypeError` for bad arguments, a {@link TIMError} with the `TIMResult` when
   * TIMInit refuses, and an Error when this library is already initialised by another client.
   */
  init(sdkAppId: number | bigint, config: SdkConfig = {}): void {
    const site = captureCallSite(this.init, 'TIMInit');
    try {
      this.initOrThrow(sdkAppId, config, site);
    } catch (err) {
      throw err instanceof Error && !(err instanceof TIMError) ? withCallSite(err, site) : err;
    }
  }

  private initOrThrow(sdkAppId: number | bigint, config: SdkConfig, site: TIMError): void {
    const appId = checkSdkAppId(sdkAppId);
    const cfg = checkObject(config, 'config');
    checkKnownKeys(cfg, SDK_CONFIG_KEYS, 'config');
    for (const key of SDK_CONFIG_KEYS) if (cfg[key] !== undefined) checkString(cfg[key], `config.${key}`);
    const fromConfig = cfg[kTIMNativeEmulatorAddress];
    if (fromConfig !== undefined) checkEmulatorAddress(fromConfig, `config.${kTIMNativeEmulatorAddress}`);
    if (this.initialised) throw new Error('tim-native: this client is already initialised; call uninit() first');
    claimLibrary(this.sdk.path, this);

    const defaults = defaultSdkDirs(appId);
    const configDir = path.resolve((cfg[kTIMSdkConfigConfigFilePath] as string | undefined) ?? defaults.config);
    const logDir = path.resolve((cfg[kTIMSdkConfigLogFilePath] as string | undefined) ?? defaults.log);
    const sdkConfig: Record<string, string> = {
      [kTIMSdkConfigConfigFilePath]: configDir,
      [kTIMSdkConfigLogFilePath]: logDir,
    };
    const emulator = this.emulatorAddress ?? (fromConfig as string | undefined);
    if (emulator !== undefined) sdkConfig[kTIMNativeEmulatorAddress] = emulator;
    let result: number;
    try {
      ensureDir(configDir);
      ensureDir(logDir);
      if (!this.logToConsole) this.sdk.TIMSetConfig(JSON.stringify({ [kTIMSetConfigIsLogOutputConsole]: false }), null);
      // Listeners go in before TIMInit so the first network status events are not missed.
      this.initialised = true;
      this.nativeListeners.setActive(true);
      result = this.sdk.TIMInit(appId, JSON.stringify(sdkConfig));
    } catch (err) {
      this.markUninitialised();
      throw err;
    }
    if (result !== 0) {
      this.markUninitialised();
      throw failAt(site, result, '');
    }
  }

  /**
   * Stops the SDK (`TIMUninit`): every pending call of this client (in the library or queued)
   * rejects at once with {@link TIMError} 7009, their late answers are dropped, and the native
   * listeners are removed (JS listeners stay and resume on the next `init()`). Does nothing when
   * not initialised.
   */
  uninit(): void {
    if (!this.initialised) return;
    const site = captureCallSite(this.uninit, 'TIMUninit');
    let result = 0;
    try {
      this.calls.stopLibrary(() => {
        try {
          result = this.sdk.TIMUninit();
        } finally {
          this.markUninitialised();
        }
      });
    } catch (err) {
      throw err instanceof Error ? withCallSite(err, site) : err;
    }
    if (result !== 0) throw failAt(site, result, '');
  }

  /** Logs in (`TIMLogin`). Resolves when the library reports success. */
  login(userId: string, userSig: string): Promise<void> {
    return this.calls.call(Op.Login, this.login, loginArgs, userId, userSig, parseNothing);
  }

  /** Logs out (`TIMLogout`). */
  logout(): Promise<void> {
    return this.calls.call(Op.Logout, this.logout, noArgs, undefined, undefined, parseNothing);
  }

  /** Login state (`TIMGetLoginStatus`). */
  loginStatus(): TIMLoginStatus {
    return this.sdk.TIMGetLoginStatus() as TIMLoginStatus;
  }

  /** The logged-in user id (`TIMGetLoginUserID`), `""` when nobody is logged in. */
  loginUserId(): string {
    return this.sdk.TIMGetLoginUserID();
  }

  /** Server time in unix seconds (`TIMGetServerTime`). */
  serverTime(): number {
    return this.sdk.TIMGetServerTime();
  }

  /**
   * Profiles of users, yourself included (`TIMProfileGetUserProfileList`). Takes the user ids, or
   * the full `FriendShipGetProfileListParam`.
   */
  getUserProfileList(param: GetUserProfileListParam | string[]): Promise<UserProfile[]> {
    return this.calls.call(Op.GetUserProfileList, this.getUserProfileList, profileListArgs, param, undefined, parseArray);
  }

  /**
   * Changes your own profile (`TIMProfileModifySelfUserProfile`); several fields at once are
   * fine. Unknown keys and wrongly typed values are refused before the call.
   */
  modifySelfUserProfile(item: UserProfileItem): Promise<void> {
    return this.calls.call(Op.ModifySelfUserProfile, this.modifySelfUserProfile, profileItemArgs, item, undefined, parseNothing);
  }

  /** Status of users (`TIMGetUserStatus`); your own id gives your own status. */
  getUserStatus(userIds: string[]): Promise<UserStatus[]> {
    return this.calls.call(Op.GetUserStatus, this.getUserStatus, userIdsArgs, userIds, undefined, parseArray);
  }

  /** Sets your custom status (`TIMSetSelfStatus`); a string is the custom status, `""` clears it. */
  setSelfStatus(status: UserStatusParam | string): Promise<void> {
    return this.calls.call(Op.SetSelfStatus, this.setSelfStatus, statusArgs, status, undefined, parseNothing);
  }

  /** Subscribes to users' status changes (`TIMSubscribeUserStatus`); see `userStatusChanged`. */
  subscribeUserStatus(userIds: string[]): Promise<void> {
    return this.calls.call(Op.SubscribeUserStatus, this.subscribeUserStatus, userIdsArgs, userIds, undefined, parseNothing);
  }

  /**
   * Unsubscribes (`TIMUnsubscribeUserStatus`). Without ids (the C API's NULL) or with `[]`,
   * unsubscribes from everyone.
   */
  unsubscribeUserStatus(userIds?: string[]): Promise<void> {
    return this.calls.call(Op.UnsubscribeUserStatus, this.unsubscribeUserStatus, optionalUserIdsArgs, userIds, undefined, parseNothing);
  }

  /**
   * Subscribes to profile changes of users who are not your friends (`TIMSubscribeUserInfo`,
   * TIMManager.h 6.3); see `userInfoChanged`. The list holds at most 200 users: beyond that the
   * earliest subscribed is dropped. Your own changes need no subscription (`selfInfoUpdated`).
   */
  subscribeUserInfo(userIds: string[]): Promise<void> {
    return this.calls.call(Op.SubscribeUserInfo, this.subscribeUserInfo, userIdsArgs, userIds, undefined, parseNothing);
  }

  /**
   * Unsubscribes from profile changes (`TIMUnsubscribeUserInfo`, TIMManager.h 6.4). Without ids
   * (the C API's NULL) or with `[]`, unsubscribes from everyone.
   */
  unsubscribeUserInfo(userIds?: string[]): Promise<void> {
    return this.calls.call(Op.UnsubscribeUserInfo, this.unsubscribeUserInfo, optionalUserIdsArgs, userIds, undefined, parseNothing);
  }

  /** Removes every listener of `event`, or of every event; native listeners stop with them. */
  override removeAllListeners(event?: TIMClientEventName): this {
    if (event === undefined) super.removeAllListeners();
    else super.removeAllListeners(event);
    this.nativeListeners.hook(); // removeAllListeners() took the client's own newListener/removeListener hooks too
    return this;
  }

  private markUninitialised(): void {
    this.initialised = false;
    releaseLibrary(this.sdk.path, this);
    this.nativeListeners.setActive(false);
  }
}
