/**
 * {@link TIMClient}: the promise API over one TIM C library (Tencent's, or the emulator backend).
 * @packageDocumentation
 */
import { EventEmitter } from 'events';
import * as path from 'path';
import { loadAddon } from './binding';
import { defaultSdkDirs, ensureDir } from './config-dir';
import {
  kTIMFriendShipGetProfileListParamForceUpdate,
  kTIMFriendShipGetProfileListParamIdentifierArray,
  kTIMNativeEmulatorAddress,
  kTIMSdkConfigConfigFilePath,
  kTIMSdkConfigLogFilePath,
  kTIMSetConfigIsLogOutputConsole,
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
  kTIMUserProfileItemAddPermission,
  kTIMUserProfileItemBirthDay,
  kTIMUserProfileItemCustomStringArray,
  kTIMUserProfileItemFaceUrl,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemLanguage,
  kTIMUserProfileItemLevel,
  kTIMUserProfileItemLocation,
  kTIMUserProfileItemNickName,
  kTIMUserProfileItemRole,
  kTIMUserProfileItemSelfSignature,
  kTIMUserStatusCustomStatus,
  TIMErrorCode,
  TIMGenderType,
  TIMProfileAddPermission,
} from './constants';
import type { TIMLoginStatus, TIMNetworkStatus } from './constants';
import { captureCallSite, createStacklessTIMError, failAt, TIMError, withCallSite } from './errors';
import type { CallSite } from './errors';
import type { RawCommCallback, RawSdk } from './native';
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
  checkEnum,
  checkEmulatorAddress,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  checkPositiveInteger,
  checkSdkAppId,
  checkString,
  checkStringArray,
  checkUint32,
  describe,
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
const PROFILE_ITEM_STRING_KEYS: ReadonlySet<string> = new Set([
  kTIMUserProfileItemNickName,
  kTIMUserProfileItemFaceUrl,
  kTIMUserProfileItemSelfSignature,
  kTIMUserProfileItemLocation,
]);
const PROFILE_ITEM_UINT32_KEYS: ReadonlySet<string> = new Set([
  kTIMUserProfileItemLanguage,
  kTIMUserProfileItemBirthDay,
  kTIMUserProfileItemLevel,
  kTIMUserProfileItemRole,
]);
const PROFILE_ITEM_KEYS: ReadonlySet<string> = new Set([
  ...PROFILE_ITEM_STRING_KEYS,
  ...PROFILE_ITEM_UINT32_KEYS,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemAddPermission,
  kTIMUserProfileItemCustomStringArray,
]);
const CUSTOM_STRING_INFO_KEYS: ReadonlySet<string> = new Set([
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
]);
const PROFILE_LIST_PARAM_KEYS: ReadonlySet<string> = new Set([
  kTIMFriendShipGetProfileListParamIdentifierArray,
  kTIMFriendShipGetProfileListParamForceUpdate,
]);
const STATUS_PARAM_KEYS: ReadonlySet<string> = new Set([kTIMUserStatusCustomStatus]);
const EVENT_NAMES: readonly TIMClientEventName[] = [
  'userStatusChanged',
  'selfInfoUpdated',
  'userInfoChanged',
  'networkStatus',
  'kickedOffline',
  'userSigExpired',
];

type AnyListener = (...args: unknown[]) => void;

/** The C function a {@link Request} calls (a number, so dispatching it is a cheap switch). */
const enum Op {
  Login,
  Logout,
  GetUserProfileList,
  ModifySelfUserProfile,
  GetUserStatus,
  SetSelfStatus,
  SubscribeUserStatus,
  UnsubscribeUserStatus,
}

/** The C function of each {@link Op}, for errors. */
const OP_API: readonly string[] = [
  'TIMLogin',
  'TIMLogout',
  'TIMProfileGetUserProfileList',
  'TIMProfileModifySelfUserProfile',
  'TIMGetUserStatus',
  'TIMSetSelfStatus',
  'TIMSubscribeUserStatus',
  'TIMUnsubscribeUserStatus',
];

/** One call from its public method until it settles. */
class Request {
  /** Resolves the request's own promise (with the request; {@link finishCall} handles it); set by the executor. */
  wake: (req: Request) => void = noop;
  settled = false;
  /** The outcome once settled: the library's code (0: success) and description, and its answer. */
  code = 0;
  desc = '';
  json = '';
  /** Set instead when the addon threw (the call never reached the library). */
  thrown: Error | undefined = undefined;
  /**
   * While it is in the library (its callback has not come yet; counts against maxInFlight): its
   * index in the client's in-flight table, which is its call's user data. Else -1.
   */
  slot = -1;
  /** When it was sent, in the client's order of sending. */
  sent = 0;
  timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    readonly op: Op,
    /** The first string argument of the C function (`""` when it takes none). */
    readonly arg: string,
    /** The second string argument (`TIMLogin`'s userSig), else `""`. */
    readonly arg2: string,
    readonly parse: (json: string) => unknown,
    /**
     * The synchronous call site, and the rejection if the library fails the call ({@link failAt});
     * `undefined` unless the client captures call sites (`errorStacks: "call-site"`).
     */
    readonly site: TIMError | undefined,
  ) {}
}

/**
 * Turns a settled request into the value or the error of the promise a public method returns
 * (`errorStacks: "async"`). Runs as the `.then` handler of the request's own promise (JS thread, a
 * microtask), and the promise it settles is the one the caller awaits: so a TIMError constructed
 * here has V8's async stack trace, this one frame and then the async functions awaiting the call,
 * that is the caller's code. Success costs no stack. (Not `Error.captureStackTrace` to drop this
 * frame too: it turns the error into a dictionary-mode object, about 2 µs of CPU and 390 bytes
 * more per failed call. Not an async function: V8 follows both, and the handler allocates about
 * 450 bytes less per call.)
 */
function finishCall(req: Request): unknown {
  if (req.thrown !== undefined) {
    // The addon threw inside dispatch(); its own stack is the queue's, not the caller's.
    Error.captureStackTrace(req.thrown, finishCall);
    throw req.thrown;
  }
  if (req.code === 0) {
    const value = parseAnswer(req);
    if (value !== UNPARSABLE) return value;
  }
  throw new TIMError(req.code, req.desc, OP_API[req.op] as string);
}

/**
 * {@link finishCall} for `errorStacks: "call-site"` (the error captured when the call was made,
 * filled in) and `"none"` (an error without frames).
 */
function finishCallWithoutStack(req: Request): unknown {
  if (req.thrown !== undefined) throw req.site !== undefined ? withCallSite(req.thrown, req.site) : req.thrown;
  if (req.code === 0) {
    const value = parseAnswer(req);
    if (value !== UNPARSABLE) return value;
  }
  if (req.site !== undefined) throw failAt(req.site, req.code, req.desc);
  throw createStacklessTIMError(req.code, req.desc, OP_API[req.op] as string);
}

/** What {@link parseAnswer} returns when the answer is not what the call expects. */
const UNPARSABLE: unique symbol = Symbol('unparsable');

/** The parsed answer of a successful call; else {@link UNPARSABLE}, and the request has failed with `ERR_INVALID_JSON`. */
function parseAnswer(req: Request): unknown {
  try {
    return req.parse(req.json);
  } catch (err) {
    req.code = TIMErrorCode.ERR_INVALID_JSON;
    req.desc = `could not parse the library's answer: ${(err as Error).message}`;
    return UNPARSABLE;
  }
}

/** The request whose promise is being constructed; see {@link takeResolvers}. */
let constructing: Request | undefined;

/** Promise executor shared by every call (no closure per call): hands `resolve` to the request. */
function takeResolvers(resolve: (req: Request) => void): void {
  (constructing as Request).wake = resolve;
}

function noop(): void {}

/** The client of this thread that initialised each library (keyed by `RawSdk.path`). */
const owners = new Map<string, TIMClient>();
/** Clients of this thread with calls in the library, by library: `uninit()` interrupts them all. */
const busyClients = new Map<string, Set<TIMClient>>();

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
export class TIMClient extends EventEmitter {
  private readonly sdk: RawSdk;
  private readonly emulatorAddress: string | undefined;
  private readonly logToConsole: boolean;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number | undefined;
  private readonly errorStacks: ErrorStacks;
  private initialised = false;
  /** Requests in the library (callback not yet come), by {@link Request.slot}. */
  private inFlight: (Request | undefined)[] = [];
  /** Free slots of `inFlight`, reused before it grows (so it stays as long as maxInFlight at most). */
  private freeSlots: number[] = [];
  private inFlightCount = 0;
  private sentCount = 0;
  /**
   * The one callback of every call of this client: the call's user data is its request's slot.
   * (One function for all calls, not a closure per call: less to allocate, and the addon keeps
   * one reference to it.) JS thread.
   */
  private readonly answer: RawCommCallback = (code, desc, json, slot) => this.onAnswer(slot as number, code, desc, json);
  /** FIFO of requests waiting for a slot; `queueHead` is the next one. Settled ones are skipped. */
  private queue: (Request | undefined)[] = [];
  private queueHead = 0;
  private pumping = false;
  /** Events whose native listener is registered. */
  private readonly nativeEvents = new Set<TIMClientEventName>();

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
    this.maxInFlight =
      opts.maxInFlight === undefined
        ? DEFAULT_MAX_IN_FLIGHT
        : checkPositiveInteger(opts.maxInFlight, Number.MAX_SAFE_INTEGER, 'options.maxInFlight');
    this.timeoutMs =
      opts.timeoutMs === undefined ? undefined : checkPositiveInteger(opts.timeoutMs, MAX_TIMEOUT_MS, 'options.timeoutMs');
    this.errorStacks = opts.errorStacks === undefined ? 'async' : checkOneOf(opts.errorStacks, ERROR_STACKS, 'options.errorStacks');
    const addon = loadAddon();
    // A bare file name is left to the system's library search; a path is made absolute.
    const isBareName = sdkPath !== undefined && !sdkPath.includes('/') && !sdkPath.includes(path.sep);
    this.sdk = sdkPath === undefined ? addon.load() : addon.load(isBareName ? sdkPath : path.resolve(sdkPath));
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
    const owner = owners.get(this.sdk.path);
    if (owner !== undefined && owner !== this) {
      throw new Error(`tim-native: another TIMClient of this thread has initialised ${this.sdk.path}; uninit() it first`);
    }

    const defaults = defaultSdkDirs(appId);
    const configDir = path.resolve((cfg[kTIMSdkConfigConfigFilePath] as string | undefined) ?? defaults.config);
    const logDir = path.resolve((cfg[kTIMSdkConfigLogFilePath] as string | undefined) ?? defaults.log);
    ensureDir(configDir);
    ensureDir(logDir);
    const sdkConfig: Record<string, string> = {
      [kTIMSdkConfigConfigFilePath]: configDir,
      [kTIMSdkConfigLogFilePath]: logDir,
    };
    const emulator = this.emulatorAddress ?? (fromConfig as string | undefined);
    if (emulator !== undefined) sdkConfig[kTIMNativeEmulatorAddress] = emulator;

    if (!this.logToConsole) this.sdk.TIMSetConfig(JSON.stringify({ [kTIMSetConfigIsLogOutputConsole]: false }), null);
    // Listeners go in before TIMInit so the first network status events are not missed.
    this.initialised = true;
    owners.set(this.sdk.path, this);
    this.syncAllNative();
    let result: number;
    try {
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
    const others = [...(busyClients.get(this.sdk.path) ?? [])].filter((c) => c !== this);
    const interrupted = this.takePendingOfLibrary();
    this.sdk.dropPendingCalls();
    let result = 0;
    let thrown: unknown;
    try {
      result = this.sdk.TIMUninit();
    } catch (err) {
      thrown = err;
    }
    this.markUninitialised();
    for (const client of others) client.pump();
    for (const req of interrupted) {
      this.settle(req, TIMErrorCode.ERR_SDK_COMM_INTERRUPT, 'interrupted by uninit');
    }
    if (thrown !== undefined) throw thrown instanceof Error ? withCallSite(thrown, site) : thrown;
    if (result !== 0) throw failAt(site, result, '');
  }

  /** Logs in (`TIMLogin`). Resolves when the library reports success. */
  login(userId: string, userSig: string): Promise<void> {
    const site = this.callSite(Op.Login, this.login);
    try {
      const id = checkString(userId, 'userId');
      const sig = checkString(userSig, 'userSig');
      return this.call(new Request(Op.Login, id, sig, parseNothing, site)) as Promise<void>;
    } catch (err) {
      return rejectAt(err, site, this.login);
    }
  }

  /** Logs out (`TIMLogout`). */
  logout(): Promise<void> {
    const site = this.callSite(Op.Logout, this.logout);
    try {
      return this.call(new Request(Op.Logout, '', '', parseNothing, site)) as Promise<void>;
    } catch (err) {
      return rejectAt(err, site, this.logout);
    }
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
    const site = this.callSite(Op.GetUserProfileList, this.getUserProfileList);
    try {
      const json = JSON.stringify(buildProfileListParam(param));
      return this.call(new Request(Op.GetUserProfileList, json, '', parseArray, site)) as Promise<UserProfile[]>;
    } catch (err) {
      return rejectAt(err, site, this.getUserProfileList);
    }
  }

  /**
   * Changes your own profile (`TIMProfileModifySelfUserProfile`); several fields at once are
   * fine. Unknown keys and wrongly typed values are refused before the call.
   */
  modifySelfUserProfile(item: UserProfileItem): Promise<void> {
    const site = this.callSite(Op.ModifySelfUserProfile, this.modifySelfUserProfile);
    try {
      const json = JSON.stringify(checkProfileItem(item));
      return this.call(new Request(Op.ModifySelfUserProfile, json, '', parseNothing, site)) as Promise<void>;
    } catch (err) {
      return rejectAt(err, site, this.modifySelfUserProfile);
    }
  }

  /** Status of users (`TIMGetUserStatus`); your own id gives your own status. */
  getUserStatus(userIds: string[]): Promise<UserStatus[]> {
    const site = this.callSite(Op.GetUserStatus, this.getUserStatus);
    try {
      const json = stringArrayJson(userIds, 'userIds');
      return this.call(new Request(Op.GetUserStatus, json, '', parseArray, site)) as Promise<UserStatus[]>;
    } catch (err) {
      return rejectAt(err, site, this.getUserStatus);
    }
  }

  /** Sets your custom status (`TIMSetSelfStatus`); a string is the custom status, `""` clears it. */
  setSelfStatus(status: UserStatusParam | string): Promise<void> {
    const site = this.callSite(Op.SetSelfStatus, this.setSelfStatus);
    try {
      const json = JSON.stringify(buildStatusParam(status));
      return this.call(new Request(Op.SetSelfStatus, json, '', parseNothing, site)) as Promise<void>;
    } catch (err) {
      return rejectAt(err, site, this.setSelfStatus);
    }
  }

  /** Subscribes to users' status changes (`TIMSubscribeUserStatus`); see `userStatusChanged`. */
  subscribeUserStatus(userIds: string[]): Promise<void> {
    const site = this.callSite(Op.SubscribeUserStatus, this.subscribeUserStatus);
    try {
      const json = stringArrayJson(userIds, 'userIds');
      return this.call(new Request(Op.SubscribeUserStatus, json, '', parseNothing, site)) as Promise<void>;
    } catch (err) {
      return rejectAt(err, site, this.subscribeUserStatus);
    }
  }

  /**
   * Unsubscribes (`TIMUnsubscribeUserStatus`). Without ids (the C API's NULL) or with `[]`,
   * unsubscribes from everyone.
   */
  unsubscribeUserStatus(userIds?: string[]): Promise<void> {
    const site = this.callSite(Op.UnsubscribeUserStatus, this.unsubscribeUserStatus);
    try {
      const json = userIds === undefined ? '' : stringArrayJson(userIds, 'userIds');
      return this.call(new Request(Op.UnsubscribeUserStatus, json, '', parseNothing, site)) as Promise<void>;
    } catch (err) {
      return rejectAt(err, site, this.unsubscribeUserStatus);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Typed events. Every way of adding or removing a listener re-checks the native registration.
  // -------------------------------------------------------------------------------------------

  /** Adds a listener of a {@link TIMClientEvents} event. */
  override on<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.on(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Same as {@link TIMClient.on}. */
  override addListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.addListener(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Adds a listener called at most once. */
  override once<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.once(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Adds a listener at the front of the list. */
  override prependListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.prependListener(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Adds a once-listener at the front of the list. */
  override prependOnceListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.prependOnceListener(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Removes a listener; the native listener stops with the last one. */
  override off<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.off(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Same as {@link TIMClient.off}. */
  override removeListener<E extends TIMClientEventName>(event: E, listener: TIMClientListener<E>): this {
    super.removeListener(event, listener as AnyListener);
    this.syncNative(event);
    return this;
  }

  /** Removes every listener of `event`, or of every event. */
  override removeAllListeners(event?: TIMClientEventName): this {
    if (event === undefined) super.removeAllListeners();
    else super.removeAllListeners(event);
    this.syncAllNative();
    return this;
  }

  /** Emits an event (the client does this when the library reports one). */
  override emit<E extends TIMClientEventName>(event: E, ...args: TIMClientEvents[E]): boolean {
    return super.emit(event, ...args);
  }

  // -------------------------------------------------------------------------------------------
  // Calls, queue, timeouts
  // -------------------------------------------------------------------------------------------

  /**
   * The synchronous call site of a public method `above` calling `op`, when the client captures
   * call sites (`errorStacks: "call-site"`); else `undefined`.
   */
  private callSite(op: Op, above: (...args: never[]) => unknown): TIMError | undefined {
    return this.errorStacks === 'call-site' ? captureCallSite(above, OP_API[op] as string) : undefined;
  }

  /** Queues or sends a request; the promise settles with its answer. */
  private call(req: Request): Promise<unknown> {
    constructing = req;
    const settled = new Promise<Request>(takeResolvers);
    constructing = undefined;
    if (this.timeoutMs !== undefined) {
      req.timer = setTimeout(() => this.timeOut(req), this.timeoutMs);
      req.timer.unref();
    }
    if (this.queueHead === this.queue.length && this.inFlightCount < this.maxInFlight && !this.pumping) {
      this.dispatch(req); // nothing waits before it: straight to the library
    } else {
      this.queue.push(req);
      this.pump();
    }
    return settled.then(this.errorStacks === 'async' ? finishCall : finishCallWithoutStack);
  }

  /** Calls the request's C function (its slot as user data); returns the `TIMResult`. */
  private invoke(req: Request): number {
    const { sdk, answer } = this;
    const slot = req.slot;
    switch (req.op) {
      case Op.GetUserStatus:
        return sdk.TIMGetUserStatus(req.arg, answer, slot);
      case Op.Login:
        return sdk.TIMLogin(req.arg, req.arg2, answer, slot);
      case Op.Logout:
        return sdk.TIMLogout(answer, slot);
      case Op.GetUserProfileList:
        return sdk.TIMProfileGetUserProfileList(req.arg, answer, slot);
      case Op.ModifySelfUserProfile:
        return sdk.TIMProfileModifySelfUserProfile(req.arg, answer, slot);
      case Op.SetSelfStatus:
        return sdk.TIMSetSelfStatus(req.arg, answer, slot);
      case Op.SubscribeUserStatus:
        return sdk.TIMSubscribeUserStatus(req.arg, answer, slot);
      case Op.UnsubscribeUserStatus:
        return sdk.TIMUnsubscribeUserStatus(req.arg, answer, slot);
    }
  }

  /** Hands a request to the library. */
  private dispatch(req: Request): void {
    const slot = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.inFlight.length;
    this.inFlight[slot] = req;
    req.slot = slot;
    req.sent = this.sentCount++;
    if (this.inFlightCount++ === 0) addBusy(this.sdk.path, this);
    let result: number;
    try {
      result = this.invoke(req);
    } catch (err) {
      this.releaseSlot(req);
      this.settle(req, 0, '', '', err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (result !== 0 && req.slot !== -1) {
      // Refused: the callback will not come. The caller's pump() loop goes on with the next one.
      this.releaseSlot(req);
      this.settle(req, result, '');
    }
  }

  /** The library's callback (JS thread). A late answer (after the timeout) only frees its slot. */
  private onAnswer(slot: number, code: number, desc: string, json: string): void {
    const req = this.inFlight[slot];
    // Not expected: the addon delivers each call's callback at most once and drops those of
    // calls uninit() interrupted or the library refused. A stray answer must still do no harm.
    if (req === undefined) return;
    this.releaseSlot(req);
    this.settle(req, code, desc, json); // no-op when it timed out: the answer is dropped
    if (this.queueHead !== this.queue.length) this.pump();
  }

  /** Takes a request out of the in-flight table; its slot is free for the next call. */
  private releaseSlot(req: Request): void {
    this.inFlight[req.slot] = undefined;
    this.freeSlots.push(req.slot);
    req.slot = -1;
    if (--this.inFlightCount === 0) removeBusy(this.sdk.path, this);
  }

  /**
   * Sends queued requests while there are free slots. Not re-entrant: a callback delivered
   * inside a call, or a refused call, leaves the sending to the loop already running.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.pumpLoop();
    } finally {
      this.pumping = false;
    }
  }

  private pumpLoop(): void {
    while (this.inFlightCount < this.maxInFlight && this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead] as Request;
      this.queue[this.queueHead++] = undefined; // the queue must not keep it alive
      if (!next.settled) this.dispatch(next);
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private timeOut(req: Request): void {
    req.timer = undefined;
    if (req.settled) return;
    // Queued: it is skipped when its turn comes. In flight: it keeps its slot until the answer.
    this.settle(req, TIMErrorCode.ERR_REQUEST_TIME_OUT, `no answer within ${this.timeoutMs} ms`);
  }

  /**
   * Settles once: records the outcome (code 0 and the answer JSON, a failure's code and
   * description, or what the addon threw) and resolves the request's own promise, whose handler
   * ({@link finishCall}) turns it into the caller's result or error.
   */
  private settle(req: Request, code: number, desc: string, json = '', thrown?: Error): void {
    if (req.settled) return;
    req.settled = true;
    if (req.timer !== undefined) {
      clearTimeout(req.timer);
      req.timer = undefined;
    }
    req.code = code;
    req.desc = desc;
    req.json = json;
    req.thrown = thrown;
    req.wake(req);
  }

  /**
   * For `uninit()`: every unsettled request of this client (in flight or queued) plus the in-flight
   * requests of the other clients of this thread on the same library (`dropPendingCalls()` drops
   * their callbacks too). All of them lose their slots; none is sent afterwards.
   */
  private takePendingOfLibrary(): Request[] {
    const taken: Request[] = [];
    for (const client of [...(busyClients.get(this.sdk.path) ?? [])]) {
      if (client !== this) taken.push(...client.takeInFlight());
    }
    taken.push(...this.takeInFlight());
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const req = this.queue[i] as Request;
      if (!req.settled) taken.push(req);
    }
    this.queue = [];
    this.queueHead = 0;
    return taken;
  }

  /** Forgets the in-flight requests (their callbacks are being dropped); returns the unsettled. */
  private takeInFlight(): Request[] {
    const taken: Request[] = [];
    for (const req of this.inFlight) {
      if (req === undefined) continue;
      req.slot = -1;
      if (!req.settled) taken.push(req);
    }
    taken.sort((a, b) => a.sent - b.sent); // they settle in the order they were sent
    this.inFlight = [];
    this.freeSlots = [];
    this.inFlightCount = 0;
    removeBusy(this.sdk.path, this);
    return taken;
  }

  private markUninitialised(): void {
    this.initialised = false;
    if (owners.get(this.sdk.path) === this) owners.delete(this.sdk.path);
    this.syncAllNative();
  }

  // -------------------------------------------------------------------------------------------
  // Native listeners
  // -------------------------------------------------------------------------------------------

  private syncAllNative(): void {
    for (const event of EVENT_NAMES) this.syncNative(event);
  }

  /** Registers the native listener of `event` iff initialised and it has JS listeners. */
  private syncNative(event: TIMClientEventName): void {
    if (!EVENT_NAMES.includes(event)) return;
    const wanted = this.initialised && this.listenerCount(event) > 0;
    if (wanted === this.nativeEvents.has(event)) return;
    if (wanted) this.nativeEvents.add(event);
    else this.nativeEvents.delete(event);
    const sdk = this.sdk;
    switch (event) {
      case 'userStatusChanged':
        sdk.TIMSetUserStatusChangedCallback(wanted ? (json) => this.emitJson('userStatusChanged', json, true) : null);
        break;
      case 'selfInfoUpdated':
        sdk.TIMSetSelfInfoUpdatedCallback(wanted ? (json) => this.emitJson('selfInfoUpdated', json, false) : null);
        break;
      case 'userInfoChanged':
        sdk.TIMSetUserInfoChangedCallback(wanted ? (json) => this.emitJson('userInfoChanged', json, true) : null);
        break;
      case 'networkStatus':
        sdk.TIMSetNetworkStatusListenerCallback(
          wanted ? (status, code, desc) => this.emit('networkStatus', { status: status as TIMNetworkStatus, code, desc }) : null,
        );
        break;
      case 'kickedOffline':
        sdk.TIMSetKickedOfflineCallback(wanted ? () => this.emit('kickedOffline') : null);
        break;
      case 'userSigExpired':
        sdk.TIMSetUserSigExpiredCallback(wanted ? () => this.emit('userSigExpired') : null);
        break;
    }
  }

  /** Parses a listener's JSON payload and emits it; a payload that does not parse is a warning. */
  private emitJson(event: 'userStatusChanged' | 'selfInfoUpdated' | 'userInfoChanged', json: string, isArray: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (err) {
      process.emitWarning(`tim-native: dropped a ${event} event whose payload is not JSON: ${(err as Error).message}`);
      return;
    }
    if (isArray !== Array.isArray(value) || typeof value !== 'object' || value === null) {
      process.emitWarning(`tim-native: dropped a ${event} event whose payload is ${describe(value)}`);
      return;
    }
    (this.emit as (event: string, value: unknown) => boolean)(event, value);
  }
}

function addBusy(libraryPath: string, client: TIMClient): void {
  let set = busyClients.get(libraryPath);
  if (set === undefined) busyClients.set(libraryPath, (set = new Set()));
  set.add(client);
}

function removeBusy(libraryPath: string, client: TIMClient): void {
  const set = busyClients.get(libraryPath);
  if (set === undefined) return;
  set.delete(client);
  if (set.size === 0) busyClients.delete(libraryPath);
}

/**
 * The rejection of a call that failed before reaching the library (a bad argument): the error
 * with the synchronous call site's stack, or with its stack captured again above the public
 * method `above`, so that it starts at the caller rather than in the validation code.
 */
function rejectAt<T>(err: unknown, site: CallSite | undefined, above: (...args: never[]) => unknown): Promise<T> {
  if (err instanceof Error) {
    if (site !== undefined) withCallSite(err, site);
    else Error.captureStackTrace(err, above);
  }
  return Promise.reject(err);
}

function parseNothing(): void {
  return undefined;
}

/** An answer that is a JSON array; `""` (some calls answer nothing) is `[]`. */
function parseArray(json: string): unknown[] {
  if (json === '') return [];
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${describe(value)}`);
  return value;
}

function buildProfileListParam(param: unknown): Record<string, unknown> {
  if (Array.isArray(param)) {
    return { [kTIMFriendShipGetProfileListParamIdentifierArray]: checkStringArray(param, 'userIds') };
  }
  if (typeof param !== 'object' || param === null) {
    throw invalidArgument(`param must be an array of user ids or a GetUserProfileListParam, got ${describe(param)}`);
  }
  const obj = param as Record<string, unknown>;
  checkKnownKeys(obj, PROFILE_LIST_PARAM_KEYS, 'param');
  const key = kTIMFriendShipGetProfileListParamIdentifierArray;
  const out: Record<string, unknown> = { [key]: checkStringArray(obj[key], `param.${key}`) };
  const force = obj[kTIMFriendShipGetProfileListParamForceUpdate];
  if (force !== undefined) {
    out[kTIMFriendShipGetProfileListParamForceUpdate] = checkBoolean(force, `param.${kTIMFriendShipGetProfileListParamForceUpdate}`);
  }
  return out;
}

function checkProfileItem(item: unknown): Record<string, unknown> {
  const obj = checkObject(item, 'item');
  checkKnownKeys(obj, PROFILE_ITEM_KEYS, 'item');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const what = `item.${key}`;
    if (PROFILE_ITEM_STRING_KEYS.has(key)) out[key] = checkString(value, what);
    else if (PROFILE_ITEM_UINT32_KEYS.has(key)) out[key] = checkUint32(value, what);
    else if (key === kTIMUserProfileItemGender) out[key] = checkEnum(value, TIMGenderType, 'TIMGenderType', what);
    else if (key === kTIMUserProfileItemAddPermission) {
      out[key] = checkEnum(value, TIMProfileAddPermission, 'TIMProfileAddPermission', what);
    } else out[key] = checkCustomStrings(value, what);
  }
  return out;
}

function checkCustomStrings(value: unknown, what: string): Record<string, string>[] {
  if (!Array.isArray(value)) throw invalidArgument(`${what} must be an array of custom string infos, got ${describe(value)}`);
  return value.map((entry: unknown, i) => {
    const obj = checkObject(entry, `${what}[${i}]`);
    checkKnownKeys(obj, CUSTOM_STRING_INFO_KEYS, `${what}[${i}]`);
    return {
      [kTIMUserProfileCustomStringInfoKey]: checkString(obj[kTIMUserProfileCustomStringInfoKey], `${what}[${i}].${kTIMUserProfileCustomStringInfoKey}`),
      [kTIMUserProfileCustomStringInfoValue]: checkString(
        obj[kTIMUserProfileCustomStringInfoValue],
        `${what}[${i}].${kTIMUserProfileCustomStringInfoValue}`,
      ),
    };
  });
}

function buildStatusParam(status: unknown): Record<string, string> {
  if (typeof status === 'string') return { [kTIMUserStatusCustomStatus]: checkString(status, 'status') };
  const obj = checkObject(status, 'status');
  checkKnownKeys(obj, STATUS_PARAM_KEYS, 'status');
  return { [kTIMUserStatusCustomStatus]: checkString(obj[kTIMUserStatusCustomStatus], `status.${kTIMUserStatusCustomStatus}`) };
}
