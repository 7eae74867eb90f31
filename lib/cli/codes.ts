/**
 * Names and meanings of every error code a CLI user can meet: the TIM SDK codes (from
 * `TIMErrorCode` / `describeErrorCode` in ../constants) and the REST API codes (the code tables of
 * ../rest, with the meanings of Tencent's documentation).
 * @packageDocumentation
 */
import { describeErrorCode, errorCodeName } from '../constants';
import { AccountCode, BAD_RESPONSE_CODE, CommonCode, GroupCode, NETWORK_ERROR_CODE, OnlineCode, ProfileCode } from '../rest';

/** A code's name and one-line meaning. */
export interface CodeInfo {
  code: number;
  /** e.g. `ERR_SDK_NOT_LOGGED_IN` or `GroupCode.NoSuchGroup`; `UNKNOWN` when not in any table. */
  name: string;
  meaning: string;
}

/** Meanings of the REST codes, in the words of Tencent's REST documentation. */
const REST_MEANINGS: Readonly<Record<number, string>> = {
  [CommonCode.BadUrl]: 'the request URL or its query string is malformed',
  [CommonCode.BadJson]: 'the request body is not a JSON object (or is empty, or over 1 MB)',
  [CommonCode.BadIdentifier]: 'the admin identifier is missing',
  [CommonCode.BadAppId]: 'the SDKAppID is not this app\'s',
  [CommonCode.RateLimited]: 'too many calls of this API per second (200 by default)',
  [CommonCode.NoSuchApi]: 'the URL names no REST API',
  [CommonCode.AdminRequired]: 'the identifier is not an app admin',
  [CommonCode.AppIdMissing]: 'the sdkappid query parameter is missing',
  [CommonCode.AccountNotString]: 'an account in the request body is not a string',
  [GroupCode.Internal]: 'internal server error; try again',
  [GroupCode.BadCommand]: 'invalid command word',
  [GroupCode.BadParameter]: 'invalid parameter; the error info says which',
  [GroupCode.TooManyAccounts]: 'too many accounts in one request (get_specified_group_member_info takes at most 50)',
  [GroupCode.NoPermission]: 'no permission: the operator is not an app admin, or may not read these fields',
  [GroupCode.NoSuchGroup]: 'the group does not exist or has been deleted',
  [GroupCode.GroupFull]: 'the group is full',
  [GroupCode.BadGroupId]: 'invalid group id',
  [GroupCode.NoSuchUser]: 'the account does not exist (import it, or log it in once)',
  [GroupCode.GroupIdInUse]: 'the group id is already in use',
  [ProfileCode.BadParameter]: 'invalid parameter; the error info says which',
  [ProfileCode.NoSuchAccount]: 'the account does not exist',
  [ProfileCode.Internal]: 'internal server error; try again',
  [ProfileCode.UnknownTag]: 'unknown profile tag',
  [ProfileCode.ValueTooLong]: 'profile value longer than 500 bytes',
  [ProfileCode.BadStandardValue]: 'invalid value for a standard profile tag',
  [AccountCode.BadParameter]: 'invalid parameter; the error info says which',
  [AccountCode.Internal]: 'internal server error; try again',
  [OnlineCode.BadParameter]: 'invalid parameter; the error info says which',
  [OnlineCode.TooManyAccounts]: 'too many accounts in one query (at most 500)',
  [OnlineCode.NoSuchAccount]: 'the account does not exist',
  [OnlineCode.Internal]: 'internal server error; try again',
  [NETWORK_ERROR_CODE]: 'no response: the server could not be reached, or did not answer in time',
  [BAD_RESPONSE_CODE]: 'the response is not the REST API\'s JSON (is this URL a TIM REST endpoint?)',
};

const REST_NAMES = new Map<number, string>();
for (const [table, codes] of Object.entries({ CommonCode, GroupCode, ProfileCode, AccountCode, OnlineCode })) {
  for (const [key, code] of Object.entries(codes)) if (!REST_NAMES.has(code)) REST_NAMES.set(code, `${table}.${key}`);
}
REST_NAMES.set(NETWORK_ERROR_CODE, 'NETWORK_ERROR');
REST_NAMES.set(BAD_RESPONSE_CODE, 'BAD_RESPONSE');

/** Name and meaning of a code a TIM library reported (callback code or negative TIMResult). */
export function timCodeInfo(code: number): CodeInfo {
  return { code, name: errorCodeName(code) ?? 'UNKNOWN', meaning: describeErrorCode(code) ?? 'not a code tim-native knows' };
}

/**
 * Name and meaning of a REST `ErrorCode`. The UserSig codes (70xxx) the REST API shares with the
 * SDK use the SDK's names.
 */
export function restCodeInfo(code: number): CodeInfo {
  const name = REST_NAMES.get(code);
  const meaning = REST_MEANINGS[code];
  if (name !== undefined && meaning !== undefined) return { code, name, meaning };
  return timCodeInfo(code);
}
