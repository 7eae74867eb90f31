/**
 * Types of the raw addon (`native/shim/`), in one place. The addon speaks the TIM C API almost
 * verbatim: JSON strings in, `(code, desc, json)` callbacks out, synchronous `TIMResult` returned.
 * Everything here is internal; users call {@link TIMClient}.
 * @packageDocumentation
 */

/** Callback of every JSON API call: `TIMCommCallback` without `user_data`. Runs on the JS thread. */
export type RawCommCallback = (code: number, desc: string, json: string) => void;

/** One loaded TIM library (vendor or emulator), for this JS environment. */
export interface RawSdk {
  /** Absolute path of the loaded library, or `"embedded-emulator"` for the built-in backend. */
  readonly path: string;
  TIMInit(sdkAppId: bigint, jsonSdkConfig: string): number;
  TIMUninit(): number;
  TIMGetSDKVersion(): string;
  /** Server time in seconds. */
  TIMGetServerTime(): number;
  TIMSetConfig(jsonConfig: string, cb: RawCommCallback | null): number;
  TIMLogin(userId: string, userSig: string, cb: RawCommCallback): number;
  TIMLogout(cb: RawCommCallback): number;
  /** The logged-in user id, or `""` when none (the C return code is not 0). */
  TIMGetLoginUserID(): string;
  TIMGetLoginStatus(): number;
  TIMProfileGetUserProfileList(json: string, cb: RawCommCallback): number;
  TIMProfileModifySelfUserProfile(json: string, cb: RawCommCallback): number;
  TIMGetUserStatus(json: string, cb: RawCommCallback): number;
  TIMSetSelfStatus(json: string, cb: RawCommCallback): number;
  TIMSubscribeUserStatus(json: string, cb: RawCommCallback): number;
  /** `json` may be `""` (unsubscribe from everyone). */
  TIMUnsubscribeUserStatus(json: string, cb: RawCommCallback): number;
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
