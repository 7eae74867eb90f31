/**
 * The JSON shapes of the TIM C API as TypeScript types, keyed by the `kTIM*` constants, plus the
 * options and events of {@link TIMClient}. What the SDK returns is typed as it arrives: objects
 * keyed by the `kTIM*` strings, with every field optional (the SDK omits empty fields).
 * @packageDocumentation
 */
import {
  kTIMFriendShipGetProfileListParamForceUpdate,
  kTIMFriendShipGetProfileListParamIdentifierArray,
  kTIMNativeEmulatorAddress,
  kTIMProfileChangeElemChangeType,
  kTIMProfileChangeElemFromIdentifier,
  kTIMProfileChangeElemUserProfileItem,
  kTIMSdkConfigConfigFilePath,
  kTIMSdkConfigLogFilePath,
  kTIMUserProfileAddPermission,
  kTIMUserProfileBirthDay,
  kTIMUserProfileCustomStringArray,
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
  kTIMUserProfileFaceUrl,
  kTIMUserProfileFriendRemark,
  kTIMUserProfileGender,
  kTIMUserProfileIdentifier,
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
  kTIMUserProfileLanguage,
  kTIMUserProfileLevel,
  kTIMUserProfileLocation,
  kTIMUserProfileNickName,
  kTIMUserProfileRole,
  kTIMUserProfileSelfSignature,
  kTIMUserStatusCustomStatus,
  kTIMUserStatusIdentifier,
  kTIMUserStatusOnlineDevices,
  kTIMUserStatusStatusType,
} from './constants';
import type {
  TIMGenderType,
  TIMNetworkStatus,
  TIMProfileAddPermission,
  TIMProfileChangeType,
  TIMUserStatusType,
} from './constants';

/** A custom profile field: `{ [kTIMUserProfileCustomStringInfoKey]: 'Str', [...Value]: 'x' }`. */
export interface UserProfileCustomStringInfo {
  /** `Tag_Profile_Custom_<kw>` or `<kw>`: letters only, <= 8 bytes. */
  [kTIMUserProfileCustomStringInfoKey]: string;
  /** <= 500 bytes. */
  [kTIMUserProfileCustomStringInfoValue]: string;
}

/**
 * The fields to change with {@link TIMClient.modifySelfUserProfile}; several at once are fine.
 * @example
 * const item: UserProfileItem = {
 *   [kTIMUserProfileItemNickName]: 'Alice',
 *   [kTIMUserProfileItemGender]: TIMGenderType.kTIMGenderType_Female,
 * };
 */
export interface UserProfileItem {
  [kTIMUserProfileItemNickName]?: string;
  [kTIMUserProfileItemGender]?: TIMGenderType;
  [kTIMUserProfileItemFaceUrl]?: string;
  [kTIMUserProfileItemSelfSignature]?: string;
  [kTIMUserProfileItemAddPermission]?: TIMProfileAddPermission;
  /** Also reachable through the deprecated alias `kTIMUserProfileItemLoaction` (same key). */
  [kTIMUserProfileItemLocation]?: string;
  /** uint32. */
  [kTIMUserProfileItemLanguage]?: number;
  /** uint32, e.g. 19900101. */
  [kTIMUserProfileItemBirthDay]?: number;
  /** uint32. */
  [kTIMUserProfileItemLevel]?: number;
  /** uint32. */
  [kTIMUserProfileItemRole]?: number;
  [kTIMUserProfileItemCustomStringArray]?: UserProfileCustomStringInfo[];
}

/** A user's profile as the SDK returns it (fields the SDK leaves out are absent). */
export interface UserProfile {
  [kTIMUserProfileIdentifier]: string;
  [kTIMUserProfileNickName]?: string;
  [kTIMUserProfileGender]?: TIMGenderType;
  [kTIMUserProfileFaceUrl]?: string;
  [kTIMUserProfileFriendRemark]?: string;
  [kTIMUserProfileSelfSignature]?: string;
  [kTIMUserProfileAddPermission]?: TIMProfileAddPermission;
  [kTIMUserProfileLocation]?: string;
  [kTIMUserProfileLanguage]?: number;
  [kTIMUserProfileBirthDay]?: number;
  [kTIMUserProfileLevel]?: number;
  [kTIMUserProfileRole]?: number;
  [kTIMUserProfileCustomStringArray]?: UserProfileCustomStringInfo[];
}

/** A change of someone's profile (`ProfileChangeElem`). */
export interface ProfileChangeElem {
  [kTIMProfileChangeElemChangeType]: TIMProfileChangeType;
  [kTIMProfileChangeElemFromIdentifier]: string;
  [kTIMProfileChangeElemUserProfileItem]?: UserProfileItem;
}

/** A user's status as the SDK returns it (`TIMUserStatus`). */
export interface UserStatus {
  [kTIMUserStatusIdentifier]: string;
  [kTIMUserStatusStatusType]: TIMUserStatusType;
  [kTIMUserStatusCustomStatus]?: string;
  [kTIMUserStatusOnlineDevices]?: string[];
}

/** What {@link TIMClient.setSelfStatus} takes: only the custom status can be set. */
export interface UserStatusParam {
  /** <= 100 bytes; `""` clears it. */
  [kTIMUserStatusCustomStatus]: string;
}

/** Parameter of {@link TIMClient.getUserProfileList} (`FriendShipGetProfileListParam`). */
export interface GetUserProfileListParam {
  [kTIMFriendShipGetProfileListParamIdentifierArray]: string[];
  /** @deprecated ignored by recent SDKs; sent only when given. */
  [kTIMFriendShipGetProfileListParamForceUpdate]?: boolean;
}

/**
 * Config of {@link TIMClient.init} (`SdkConfig`). Folders that are given are made absolute and
 * created when missing; a folder that is not given defaults to a per-user folder
 * (`defaultSdkDirs`: `<dataBaseDir()>/<sdkAppId>/config` and `.../log`).
 */
export interface SdkConfig {
  /** Folder of the SDK's configuration and local database. */
  [kTIMSdkConfigConfigFilePath]?: string;
  /** Folder of the SDK's log files. */
  [kTIMSdkConfigLogFilePath]?: string;
  /** Emulator address `"host:port"`; the `emulator` client option takes precedence. */
  [kTIMNativeEmulatorAddress]?: string;
}

/** Payload of the `networkStatus` event. */
export interface NetworkStatusEvent {
  status: TIMNetworkStatus;
  /** 0, or why the connection failed or dropped. */
  code: number;
  desc: string;
}

/** Options of the {@link TIMClient} constructor. */
export interface TIMClientOptions {
  /**
   * Path of a TIM C library to load (Tencent's `libImSDK.so` / `ImSDK.dll` /
   * `ImSDKForMac.dylib`, or any library with the same ABI). Without it, the emulator backend
   * built into the addon is used.
   */
  sdkPath?: string;
  /**
   * Emulator server address `"host:port"`, passed to TIMInit as `tim_native_emulator_address`
   * (only the emulator backend reads it). Default: env `TIM_EMULATOR_HOST`, else `127.0.0.1:9400`.
   */
  emulator?: string;
  /** Let the SDK print its log lines (`TIM:`) on stdout. Default `false`. */
  logToConsole?: boolean;
  /**
   * Most calls handed to the library at once (default 1000, the vendor's own in-flight limit,
   * beyond which it fails calls with 9507). Further calls wait in FIFO order.
   */
  maxInFlight?: number;
  /**
   * Reject a call with {@link TIMError} 6012 when it has not settled after this many
   * milliseconds (default: never). See {@link TIMClient} for how a late answer is handled.
   */
  timeoutMs?: number;
  /**
   * Where a failed call's {@link TIMError} gets its stack frames from (default `"async"`):
   * - `"async"`: V8's async stack trace, captured when the call fails: one frame of tim-native's
   *   (`finishCall`, where the error is made), then the async functions that `await` the call,
   *   that is your code. Calls that succeed pay nothing for it; a failed call pays one stack walk
   *   (about 2.5 µs of CPU). A call only chained with `.then()` gets only the `finishCall` frame.
   * - `"call-site"`: the synchronous stack, captured when each call is made, so the error points at
   *   the line that made the call however the promise is used; every call pays for the capture
   *   (a few µs of CPU and the captured frames while it is pending), successful or not.
   * - `"none"`: no frames, only the `TIMError: ...` line; the least CPU per failed call.
   * Code, desc, api and message are the same in every mode, and a bad argument's TypeError always
   * starts at your call.
   */
  errorStacks?: ErrorStacks;
}

/** How a failed call's {@link TIMError} gets its stack: see {@link TIMClientOptions.errorStacks}. */
export type ErrorStacks = 'async' | 'call-site' | 'none';

/** The events of {@link TIMClient} and their listener arguments. */
export interface TIMClientEvents {
  /** Subscribed users' status changed, or your own custom status (also from another device). */
  userStatusChanged: [statuses: UserStatus[]];
  /** Your own profile changed; carries the new profile. */
  selfInfoUpdated: [profile: UserProfile];
  /**
   * Profiles of users you subscribed to with {@link TIMClient.subscribeUserInfo} changed (only
   * those: TIMManager.h, the note on TIMSetUserInfoChangedCallback).
   */
  userInfoChanged: [profiles: UserProfile[]];
  /** The connection to the service changed state. */
  networkStatus: [event: NetworkStatusEvent];
  /**
   * Another device logged in with this user on the same platform; calls now fail with 6014. Also
   * when the client's automatic login after a reconnect is refused because another device took
   * the platform meanwhile (6208): log in again to force this device on.
   */
  kickedOffline: [];
  /** The UserSig expired while logged in; log in again with a new one. */
  userSigExpired: [];
}

/** Name of a {@link TIMClient} event. */
export type TIMClientEventName = keyof TIMClientEvents;

/** Listener of a {@link TIMClient} event. */
export type TIMClientListener<E extends TIMClientEventName> = (...args: TIMClientEvents[E]) => void;
