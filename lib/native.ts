/**
 * Types of the raw addon (`native/shim/`), in one place. The addon speaks the TIM C API almost
 * verbatim: JSON strings in, `(code, desc, json)` callbacks out, synchronous `TIMResult` returned.
 * Everything here is internal; users call {@link TIMClient}.
 * @packageDocumentation
 */

/**
 * Callback of every JSON API call: `TIMCommCallback`. Runs on the JS thread. `userData` is the
 * number the call was given (like the C API's `user_data`), absent when it was given none. One
 * function for all calls, told apart by their user data, costs less than a closure per call: the
 * addon shares one reference to it among the calls pending with it.
 */
export type RawCommCallback = (code: number, desc: string, json: string, userData?: number) => void;

/** One loaded TIM library (vendor or emulator), for this JS environment. */
export interface RawSdk {
  /** Absolute path of the loaded library, or `"embedded-emulator"` for the built-in backend. */
  readonly path: string;
  TIMInit(sdkAppId: bigint, jsonSdkConfig: string): number;
  TIMUninit(): number;
  TIMGetSDKVersion(): string;
  /** Server time in seconds. */
  TIMGetServerTime(): number;
  TIMSetConfig(jsonConfig: string, cb: RawCommCallback | null, userData?: number): number;
  TIMLogin(userId: string, userSig: string, cb: RawCommCallback, userData?: number): number;
  TIMLogout(cb: RawCommCallback, userData?: number): number;
  /** The logged-in user id, or `""` when none (the C return code is not 0). */
  TIMGetLoginUserID(): string;
  TIMGetLoginStatus(): number;
  TIMProfileGetUserProfileList(json: string, cb: RawCommCallback, userData?: number): number;
  TIMProfileModifySelfUserProfile(json: string, cb: RawCommCallback, userData?: number): number;
  TIMGetUserStatus(json: string, cb: RawCommCallback, userData?: number): number;
  TIMSetSelfStatus(json: string, cb: RawCommCallback, userData?: number): number;
  TIMSubscribeUserStatus(json: string, cb: RawCommCallback, userData?: number): number;
  /** `json` may be `""` (unsubscribe from everyone). */
  TIMUnsubscribeUserStatus(json: string, cb: RawCommCallback, userData?: number): number;
  /** `TIMSubscribeUserInfo` (TIMManager.h 6.3): a JSON array of user ids. */
  TIMSubscribeUserInfo(json: string, cb: RawCommCallback, userData?: number): number;
  /** `TIMUnsubscribeUserInfo` (TIMManager.h 6.4); `json` may be `""` (unsubscribe from everyone). */
  TIMUnsubscribeUserInfo(json: string, cb: RawCommCallback, userData?: number): number;
  /** `null` removes the listener. Listeners never keep the process alive. */
  TIMSetUserStatusChangedCallback(cb: ((json: string) => void) | null): void;
  TIMSetNetworkStatusListenerCallback(cb: ((status: number, code: number, desc: string) => void) | null): void;
  TIMSetKickedOfflineCallback(cb: (() => void) | null): void;
  TIMSetUserSigExpiredCallback(cb: (() => void) | null): void;
  TIMSetSelfInfoUpdatedCallback(cb: ((json: string) => void) | null): void;
  TIMSetUserInfoChangedCallback(cb: ((json: string) => void) | null): void;
  /** Number of calls whose callback has not yet been delivered in this environment. */
  pendingCalls(): number;
  /**
   * Forgets every outstanding call of this environment: their callbacks, if they ever come, are
   * dropped. Returns how many were forgotten. Used by `uninit()` after settling them in JS.
   */
  dropPendingCalls(): number;
}

/** The addon's exports. */
export interface RawAddon {
  /**
   * Loads a TIM library by path (never unloaded), or the embedded emulator when `path` is omitted.
   * Throws an Error naming every missing symbol when the library lacks part of the ABI.
   */
  load(path?: string): RawSdk;
}
