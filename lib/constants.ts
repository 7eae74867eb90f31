/**
 * Runtime constants of the TIM C API: every JSON key of the APIs tim-native covers, with its
 * exact string value (deprecated vendor spellings included as aliases), the enums as runtime
 * objects, and the client error codes with a description table.
 *
 * Every key is declared `as const`, so the types in `./types` use them as computed keys:
 * `const item: UserProfileItem = { [kTIMUserProfileItemNickName]: 'x' }` type-checks.
 *
 * Each enum is an `as const` object plus a type of the same name, so both work:
 * `client.loginStatus() === TIMLoginStatus.kTIMLoginStatus_Logined` at run time, and
 * `let s: TIMLoginStatus` or `let s: TIMLoginStatus.kTIMLoginStatus_Logined` as types.
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// TIMInit: SdkConfig
// ---------------------------------------------------------------------------------------------

/** `SdkConfig`: folder of the SDK's configuration and database (must exist). */
export const kTIMSdkConfigConfigFilePath = 'sdk_config_config_file_path' as const;
/** `SdkConfig`: folder of the SDK's log files (must exist). */
export const kTIMSdkConfigLogFilePath = 'sdk_config_log_file_path' as const;
/** `SdkConfig`: id of the thread that calls TIMInit (the SDK fills it in when absent). */
export const kTIMSdkConfigMainThreadID = 'sdk_config_main_thread_id' as const;
/**
 * tim-native's own TIMInit key: the emulator server address, `"host:port"`. Read only by the
 * emulator backend; when absent it falls back to the environment variable `TIM_EMULATOR_HOST`,
 * then `127.0.0.1:9400`. Set it through the `emulator` option of {@link TIMClient}.
 */
export const kTIMNativeEmulatorAddress = 'tim_native_emulator_address' as const;

// ---------------------------------------------------------------------------------------------
// TIMSetConfig
// ---------------------------------------------------------------------------------------------

/** `SetConfig`: log level of the SDK's log file. */
export const kTIMSetConfigLogLevel = 'set_config_log_level' as const;
/** `SetConfig`: log level of the log callback. */
export const kTIMSetConfigCallbackLogLevel = 'set_config_callback_log_level' as const;
/** `SetConfig`: whether the SDK prints its log on stdout (`TIM:` lines). Reset by TIMUninit. */
export const kTIMSetConfigIsLogOutputConsole = 'set_config_is_log_output_console' as const;

// ---------------------------------------------------------------------------------------------
// TIMProfileGetUserProfileList: FriendShipGetProfileListParam
// ---------------------------------------------------------------------------------------------

/** `FriendShipGetProfileListParam`: array of user ids. */
export const kTIMFriendShipGetProfileListParamIdentifierArray =
  'friendship_getprofilelist_param_identifier_array' as const;
/** `FriendShipGetProfileListParam`: force a server fetch. @deprecated ignored by recent SDKs. */
export const kTIMFriendShipGetProfileListParamForceUpdate =
  'friendship_getprofilelist_param_force_update' as const;

// ---------------------------------------------------------------------------------------------
// TIMGetUserStatus / TIMSetSelfStatus / listeners: UserStatus
// ---------------------------------------------------------------------------------------------

/** `UserStatus`: user id (string). */
export const kTIMUserStatusIdentifier = 'user_status_identifier' as const;
/** `UserStatus`: {@link TIMUserStatusType}. */
export const kTIMUserStatusStatusType = 'user_status_status_type' as const;
/** `UserStatus`: custom status (string, <= 100 bytes; `""` clears it). */
export const kTIMUserStatusCustomStatus = 'user_status_custom_status' as const;
/** `UserStatus`: the devices the user is online on (array of strings). */
export const kTIMUserStatusOnlineDevices = 'user_status_online_devices' as const;
/** @deprecated vendor spelling with a capital K; use {@link kTIMUserStatusOnlineDevices}. */
export const KTIMUserStatusOnlineDevices = kTIMUserStatusOnlineDevices;

// ---------------------------------------------------------------------------------------------
// UserProfile (what the SDK returns)
// ---------------------------------------------------------------------------------------------

/** `UserProfile`: user id. */
export const kTIMUserProfileIdentifier = 'user_profile_identifier' as const;
/** `UserProfile`: nickname. */
export const kTIMUserProfileNickName = 'user_profile_nick_name' as const;
/** `UserProfile`: {@link TIMGenderType}. */
export const kTIMUserProfileGender = 'user_profile_gender' as const;
/** `UserProfile`: avatar URL. */
export const kTIMUserProfileFaceUrl = 'user_profile_face_url' as const;
/** `UserProfile`: the remark you gave this friend. */
export const kTIMUserProfileFriendRemark = 'user_profile_friend_remark' as const;
/** `UserProfile`: signature. */
export const kTIMUserProfileSelfSignature = 'user_profile_self_signature' as const;
/** `UserProfile`: {@link TIMProfileAddPermission}. */
export const kTIMUserProfileAddPermission = 'user_profile_add_permission' as const;
/** `UserProfile`: location (string). */
export const kTIMUserProfileLocation = 'user_profile_location' as const;
/** `UserProfile`: language (uint32). */
export const kTIMUserProfileLanguage = 'user_profile_language' as const;
/** `UserProfile`: birthday (uint32, e.g. 19900101). */
export const kTIMUserProfileBirthDay = 'user_profile_birthday' as const;
/** `UserProfile`: level (uint32). */
export const kTIMUserProfileLevel = 'user_profile_level' as const;
/** `UserProfile`: role (uint32). */
export const kTIMUserProfileRole = 'user_profile_role' as const;
/** `UserProfile`: array of `UserProfileCustomStringInfo`. */
export const kTIMUserProfileCustomStringArray = 'user_profile_custom_string_array' as const;

// ---------------------------------------------------------------------------------------------
// UserProfileItem (what TIMProfileModifySelfUserProfile takes)
// ---------------------------------------------------------------------------------------------

/** `UserProfileItem`: new nickname (string, <= 500 bytes). */
export const kTIMUserProfileItemNickName = 'user_profile_item_nick_name' as const;
/** `UserProfileItem`: new {@link TIMGenderType}. */
export const kTIMUserProfileItemGender = 'user_profile_item_gender' as const;
/** `UserProfileItem`: new avatar URL (string, <= 500 bytes). */
export const kTIMUserProfileItemFaceUrl = 'user_profile_item_face_url' as const;
/** `UserProfileItem`: new signature (string, <= 500 bytes). */
export const kTIMUserProfileItemSelfSignature = 'user_profile_item_self_signature' as const;
/** `UserProfileItem`: new {@link TIMProfileAddPermission}. */
export const kTIMUserProfileItemAddPermission = 'user_profile_item_add_permission' as const;
/** `UserProfileItem`: new location (string). */
export const kTIMUserProfileItemLocation = 'user_profile_item_location' as const;
/** @deprecated vendor misspelling; use {@link kTIMUserProfileItemLocation} (same value). */
export const kTIMUserProfileItemLoaction = kTIMUserProfileItemLocation;
/** `UserProfileItem`: new language (uint32). */
export const kTIMUserProfileItemLanguage = 'user_profile_item_language' as const;
/** `UserProfileItem`: new birthday (uint32). */
export const kTIMUserProfileItemBirthDay = 'user_profile_item_birthday' as const;
/** `UserProfileItem`: new level (uint32). */
export const kTIMUserProfileItemLevel = 'user_profile_item_level' as const;
/** `UserProfileItem`: new role (uint32). */
export const kTIMUserProfileItemRole = 'user_profile_item_role' as const;
/** `UserProfileItem`: custom fields to set, array of `UserProfileCustomStringInfo`. */
export const kTIMUserProfileItemCustomStringArray = 'user_profile_item_custom_string_array' as const;

// ---------------------------------------------------------------------------------------------
// UserProfileCustomStringInfo
// ---------------------------------------------------------------------------------------------

/**
 * `UserProfileCustomStringInfo`: the custom key, `Tag_Profile_Custom_<kw>` or just `<kw>`
 * (letters only, <= 8 bytes; the SDK adds the prefix when it is missing).
 */
export const kTIMUserProfileCustomStringInfoKey = 'user_profile_custom_string_info_key' as const;
/** `UserProfileCustomStringInfo`: the value (string, <= 500 bytes). */
export const kTIMUserProfileCustomStringInfoValue = 'user_profile_custom_string_info_value' as const;
/** @deprecated vendor misspelling; use {@link kTIMUserProfileCustomStringInfoKey} (same value). */
export const kTIMUserProfileCustemStringInfoKey = kTIMUserProfileCustomStringInfoKey;
/** @deprecated vendor misspelling; use {@link kTIMUserProfileCustomStringInfoValue} (same value). */
export const kTIMUserProfileCustemStringInfoValue = kTIMUserProfileCustomStringInfoValue;

// ---------------------------------------------------------------------------------------------
// ProfileChangeElem
// ---------------------------------------------------------------------------------------------

/** `ProfileChangeElem`: {@link TIMProfileChangeType}. */
export const kTIMProfileChangeElemChangeType = 'profile_change_elem_change_type' as const;
/** `ProfileChangeElem`: who changed their profile. */
export const kTIMProfileChangeElemFromIdentifier = 'profile_change_elem_from_identifier' as const;
/** @deprecated vendor misspelling; use {@link kTIMProfileChangeElemFromIdentifier} (same value). */
export const kTIMProfileChangeElemFromIndentifier = kTIMProfileChangeElemFromIdentifier;
/** `ProfileChangeElem`: the changed fields, a `UserProfileItem`. */
export const kTIMProfileChangeElemUserProfileItem = 'profile_change_elem_user_profile_item' as const;

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

/** Synchronous result of every TIM API call. Only `TIM_SUCC` means the callback will run. */
export const TIMResult = {
  TIM_SUCC: 0,
  TIM_ERR_SDKUNINIT: -1,
  TIM_ERR_NOTLOGIN: -2,
  TIM_ERR_JSON: -3,
  TIM_ERR_PARAM: -4,
  TIM_ERR_CONV: -5,
  TIM_ERR_GROUP: -6,
} as const;
/** A {@link TIMResult} value. */
export type TIMResult = (typeof TIMResult)[keyof typeof TIMResult];
/** The members of {@link TIMResult} as types. */
export declare namespace TIMResult {
  type TIM_SUCC = typeof TIMResult.TIM_SUCC;
  type TIM_ERR_SDKUNINIT = typeof TIMResult.TIM_ERR_SDKUNINIT;
  type TIM_ERR_NOTLOGIN = typeof TIMResult.TIM_ERR_NOTLOGIN;
  type TIM_ERR_JSON = typeof TIMResult.TIM_ERR_JSON;
  type TIM_ERR_PARAM = typeof TIMResult.TIM_ERR_PARAM;
  type TIM_ERR_CONV = typeof TIMResult.TIM_ERR_CONV;
  type TIM_ERR_GROUP = typeof TIMResult.TIM_ERR_GROUP;
}

/** Login state (`TIMGetLoginStatus`). */
export const TIMLoginStatus = {
  kTIMLoginStatus_Logined: 1,
  kTIMLoginStatus_Logining: 2,
  kTIMLoginStatus_UnLogined: 3,
  kTIMLoginStatus_Logouting: 4,
} as const;
/** A {@link TIMLoginStatus} value. */
export type TIMLoginStatus = (typeof TIMLoginStatus)[keyof typeof TIMLoginStatus];
/** The members of {@link TIMLoginStatus} as types. */
export declare namespace TIMLoginStatus {
  type kTIMLoginStatus_Logined = typeof TIMLoginStatus.kTIMLoginStatus_Logined;
  type kTIMLoginStatus_Logining = typeof TIMLoginStatus.kTIMLoginStatus_Logining;
  type kTIMLoginStatus_UnLogined = typeof TIMLoginStatus.kTIMLoginStatus_UnLogined;
  type kTIMLoginStatus_Logouting = typeof TIMLoginStatus.kTIMLoginStatus_Logouting;
}

/** Online state of a user (`kTIMUserStatusStatusType`). */
export const TIMUserStatusType = {
  /** Vendor spelling ("Unkown"): the state is not known. */
  kTIMUserStatusType_Unkown: 0,
  kTIMUserStatusType_Online: 1,
  kTIMUserStatusType_Offline: 2,
  kTIMUserStatusType_UnLogined: 3,
} as const;
/** A {@link TIMUserStatusType} value. */
export type TIMUserStatusType = (typeof TIMUserStatusType)[keyof typeof TIMUserStatusType];
/** The members of {@link TIMUserStatusType} as types. */
export declare namespace TIMUserStatusType {
  type kTIMUserStatusType_Unkown = typeof TIMUserStatusType.kTIMUserStatusType_Unkown;
  type kTIMUserStatusType_Online = typeof TIMUserStatusType.kTIMUserStatusType_Online;
  type kTIMUserStatusType_Offline = typeof TIMUserStatusType.kTIMUserStatusType_Offline;
  type kTIMUserStatusType_UnLogined = typeof TIMUserStatusType.kTIMUserStatusType_UnLogined;
}

/** Gender (`kTIMUserProfileGender`, `kTIMUserProfileItemGender`). */
export const TIMGenderType = {
  kTIMGenderType_Unknown: 0,
  kTIMGenderType_Male: 1,
  kTIMGenderType_Female: 2,
  /** @deprecated vendor misspelling; use `kTIMGenderType_Unknown` (same value). */
  kTIMGenderType_Unkown: 0,
} as const;
/** A {@link TIMGenderType} value. */
export type TIMGenderType = (typeof TIMGenderType)[keyof typeof TIMGenderType];
/** The members of {@link TIMGenderType} as types. */
export declare namespace TIMGenderType {
  type kTIMGenderType_Unknown = typeof TIMGenderType.kTIMGenderType_Unknown;
  type kTIMGenderType_Male = typeof TIMGenderType.kTIMGenderType_Male;
  type kTIMGenderType_Female = typeof TIMGenderType.kTIMGenderType_Female;
  /** @deprecated */
  type kTIMGenderType_Unkown = typeof TIMGenderType.kTIMGenderType_Unkown;
}

/** Who may add you as a friend (`kTIMUserProfileAddPermission`). */
export const TIMProfileAddPermission = {
  kTIMProfileAddPermission_Unknown: 0,
  kTIMProfileAddPermission_AllowAny: 1,
  kTIMProfileAddPermission_NeedConfirm: 2,
  kTIMProfileAddPermission_DenyAny: 3,
} as const;
/** A {@link TIMProfileAddPermission} value. */
export type TIMProfileAddPermission =
  (typeof TIMProfileAddPermission)[keyof typeof TIMProfileAddPermission];
/** The members of {@link TIMProfileAddPermission} as types. */
export declare namespace TIMProfileAddPermission {
  type kTIMProfileAddPermission_Unknown = typeof TIMProfileAddPermission.kTIMProfileAddPermission_Unknown;
  type kTIMProfileAddPermission_AllowAny = typeof TIMProfileAddPermission.kTIMProfileAddPermission_AllowAny;
  type kTIMProfileAddPermission_NeedConfirm =
    typeof TIMProfileAddPermission.kTIMProfileAddPermission_NeedConfirm;
  type kTIMProfileAddPermission_DenyAny = typeof TIMProfileAddPermission.kTIMProfileAddPermission_DenyAny;
}

/** Connection state reported by the network status listener. */
export const TIMNetworkStatus = {
  kTIMConnected: 0,
  kTIMDisconnected: 1,
  kTIMConnecting: 2,
  kTIMConnectFailed: 3,
} as const;
/** A {@link TIMNetworkStatus} value. */
export type TIMNetworkStatus = (typeof TIMNetworkStatus)[keyof typeof TIMNetworkStatus];
/** The members of {@link TIMNetworkStatus} as types. */
export declare namespace TIMNetworkStatus {
  type kTIMConnected = typeof TIMNetworkStatus.kTIMConnected;
  type kTIMDisconnected = typeof TIMNetworkStatus.kTIMDisconnected;
  type kTIMConnecting = typeof TIMNetworkStatus.kTIMConnecting;
  type kTIMConnectFailed = typeof TIMNetworkStatus.kTIMConnectFailed;
}

/** Kind of a profile change (`kTIMProfileChangeElemChangeType`). */
export const TIMProfileChangeType = {
  kTIMProfileChange_None: 0,
  kTIMProfileChange_Profile: 1,
} as const;
/** A {@link TIMProfileChangeType} value. */
export type TIMProfileChangeType = (typeof TIMProfileChangeType)[keyof typeof TIMProfileChangeType];
/** The members of {@link TIMProfileChangeType} as types. */
export declare namespace TIMProfileChangeType {
  type kTIMProfileChange_None = typeof TIMProfileChangeType.kTIMProfileChange_None;
  type kTIMProfileChange_Profile = typeof TIMProfileChangeType.kTIMProfileChange_Profile;
}

// ---------------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------------

/**
 * Error codes a TIM library reports through callbacks (the `code` of a {@link TIMError}), named
 * as in the vendor's error code enum. Not exhaustive: these are the ones the covered APIs and
 * tim-native itself produce. A refused call uses the negative {@link TIMResult} instead.
 */
export const TIMErrorCode = {
  ERR_SUCC: 0,
  ERR_REQUEST_TIME_OUT: 6012,
  ERR_SDK_NOT_INITIALIZED: 6013,
  ERR_SDK_NOT_LOGGED_IN: 6014,
  /** Vendor spelling ("PROGESS"). */
  ERR_IN_PROGESS: 6015,
  ERR_INVALID_PARAMETERS: 6017,
  ERR_DATABASE_OPERATE_FAILED: 6019,
  ERR_IO_OPERATION_FAILED: 6022,
  ERR_LOGGED_OUT_BEFORE_LOGIN_FINISHED: 6023,
  ERR_INVALID_JSON: 6027,
  ERR_OUT_OF_MEMORY: 6028,
  ERR_USER_SIG_EXPIRED: 6206,
  ERR_LOGIN_KICKED_OFF_BY_OTHER: 6208,
  ERR_SDK_COMM_INVALID_IDENTIFIER: 7003,
  ERR_SDK_COMM_API_CALL_FREQUENCY_LIMIT: 7008,
  ERR_SDK_COMM_INTERRUPT: 7009,
  ERR_SDK_INTERNAL_ERROR: 7012,
  ERR_SDK_INTERFACE_NOT_SUPPORT: 7013,
  ERR_SDK_ACCOUNT_LOGIN_IN_PROCESS: 7501,
  ERR_SDK_ACCOUNT_LOGOUT_IN_PROCESS: 7502,
  ERR_SDK_FRIENDSHIP_INVALID_PROFILE_KEY: 9001,
  ERR_SDK_NET_FREQ_LIMIT: 9506,
  ERR_SDK_NET_REQ_COUNT_LIMIT: 9507,
  ERR_SDK_NET_DISCONNECT: 9508,
  ERR_SDK_NET_CONN_TIMEOUT: 9510,
  ERR_SDK_NET_WAIT_INQUEUE_TIMEOUT: 9518,
  ERR_SDK_NET_WAIT_SEND_TIMEOUT: 9519,
  ERR_SDK_NET_WAIT_ACK_TIMEOUT: 9520,
  ERR_SDK_NET_WAIT_SEND_REMAINING_TIMEOUT: 9521,
  ERR_SDK_NET_PKG_SIZE_LIMIT: 9522,
  ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK: 9523,
  ERR_SDK_NET_WAIT_ACK_TIMEOUT_NO_NETWORK: 9524,
  ERR_SDK_NET_SEND_REMAINING_TIMEOUT_NO_NETWORK: 9525,
  /** A custom profile field the app has not registered in the console (TIMErrorCode.h, profile codes). */
  ERR_SVR_PROFILE_TAG_NOT_FOUND: 40009,
  ERR_SVR_ACCOUNT_USERSIG_EXPIRED: 70001,
  ERR_SVR_ACCOUNT_USERSIG_EMPTY: 70002,
  ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED: 70003,
  ERR_SVR_ACCOUNT_USERSIG_MISMATCH_PUBLICKEY: 70009,
  ERR_SVR_ACCOUNT_USERSIG_MISMATCH_ID: 70013,
  ERR_SVR_ACCOUNT_USERSIG_MISMATCH_SDKAPPID: 70014,
  /** Name chosen by tim-native: the vendor headers we read do not name 72001. */
  ERR_SVR_USER_STATUS_DISABLED: 72001,
} as const;
/** A {@link TIMErrorCode} value. */
export type TIMErrorCode = (typeof TIMErrorCode)[keyof typeof TIMErrorCode];
/** The name of a {@link TIMErrorCode}. */
export type TIMErrorCodeName = keyof typeof TIMErrorCode;

/** One line of English per {@link TIMErrorCode}, for logs and the CLI. */
export const TIMErrorDescription: Readonly<Record<TIMErrorCode, string>> = {
  0: 'success',
  6012: 'request timed out',
  6013: 'SDK not initialized (call TIMInit first)',
  6014: 'not logged in, or kicked offline',
  6015: 'operation already in progress',
  6017: 'invalid parameters',
  6019: 'local database operation failed',
  6022: 'local I/O operation failed (permissions or disk full)',
  6023: 'logged out before login finished',
  6027: 'invalid JSON',
  6028: 'out of memory',
  6206: 'UserSig expired, log in again with a new one',
  6208: 'kicked off by a login on another device',
  7003: 'invalid user id (printable ASCII, at most 32 bytes)',
  7008: 'API call frequency limit',
  7009: 'interrupted by uninit',
  7012: 'SDK internal error',
  7013: 'interface not included in the current plan',
  7501: 'login already in progress',
  7502: 'logout already in progress',
  9001: 'invalid profile key or value (custom keyword: letters only, <= 8 bytes; value <= 500 bytes)',
  9506: 'network request frequency limit',
  9507: 'too many requests in flight (1000)',
  9508: 'network disconnected',
  9510: 'connect timeout',
  9518: 'timed out waiting to enter the send queue',
  9519: 'timed out waiting to send',
  9520: 'timed out waiting for the server acknowledgement',
  9521: 'timed out sending the rest of the request',
  9522: 'request packet over 1 MB',
  9523: 'timed out waiting to send (no network)',
  9524: 'timed out waiting for the server acknowledgement (no network)',
  9525: 'timed out sending the rest of the request (no network)',
  40009: 'profile tag does not exist (a custom profile field must be registered in the console first)',
  70001: 'UserSig expired (server)',
  70002: 'UserSig empty',
  70003: 'UserSig malformed',
  70009: 'UserSig signature does not match the secret key',
  70013: 'UserSig identifier does not match the user id',
  70014: 'UserSig SDKAppID does not match',
  72001: 'user status feature not enabled for this app',
};

const TIM_RESULT_DESCRIPTION: Readonly<Record<TIMResult, string>> = {
  0: 'success',
  [-1]: 'call refused: SDK not initialized',
  [-2]: 'call refused: not logged in',
  [-3]: 'call refused: invalid JSON parameter',
  [-4]: 'call refused: invalid parameter',
  [-5]: 'call refused: invalid conversation',
  [-6]: 'call refused: invalid group',
};

const NAME_BY_CODE = new Map<number, string>();
for (const [name, value] of Object.entries(TIMResult)) NAME_BY_CODE.set(value, name);
for (const [name, value] of Object.entries(TIMErrorCode)) NAME_BY_CODE.set(value, name);

/**
 * Name of a code: a {@link TIMErrorCode} name for callback codes, a {@link TIMResult} name for the
 * negative result of a refused call, `undefined` for codes this table does not know.
 * @example errorCodeName(6014) // 'ERR_SDK_NOT_LOGGED_IN'
 */
export function errorCodeName(code: number): string | undefined {
  return NAME_BY_CODE.get(code);
}

/**
 * One-line English meaning of a code (a {@link TIMErrorCode} or a negative {@link TIMResult}),
 * `undefined` for codes this table does not know.
 * @example describeErrorCode(7009) // 'interrupted by uninit'
 */
export function describeErrorCode(code: number): string | undefined {
  if (code < 0) return (TIM_RESULT_DESCRIPTION as Record<number, string>)[code];
  return (TIMErrorDescription as Record<number, string>)[code];
}
