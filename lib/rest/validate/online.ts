/**
 * Validator of the `openim/query_online_status` body, shared by the client and the emulator.
 * Codes: 90001 bad parameter, 90011 more than 500 accounts, 60015 an account that is not a string.
 * @packageDocumentation
 */
import type { QueryOnlineStatusRequest } from '../types';
import { accountList, asFields, flag } from './check';

/** `openim` service codes. */
export const OnlineCode = {
  BadParameter: 90001,
  TooManyAccounts: 90011,
  NoSuchAccount: 70107,
  Internal: 90994,
} as const;

/** Most accounts per query. */
export const ONLINE_QUERY_MAX = 500;

const P = OnlineCode.BadParameter;

/** Validates `query_online_status`. */
export function validateQueryOnlineStatus(body: unknown): QueryOnlineStatusRequest {
  const o = asFields(body, P);
  const To_Account = accountList(o, 'To_Account', P, {
    required: true,
    nonEmpty: true,
    max: ONLINE_QUERY_MAX,
    tooManyCode: OnlineCode.TooManyAccounts,
  });
  const IsNeedDetail = flag(o, 'IsNeedDetail', P);
  const IsReturnCustomStatus = flag(o, 'IsReturnCustomStatus', P);
  return {
    To_Account,
    ...(IsNeedDetail !== undefined ? { IsNeedDetail } : {}),
    ...(IsReturnCustomStatus !== undefined ? { IsReturnCustomStatus } : {}),
  };
}
