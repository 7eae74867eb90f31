/**
 * Validators of the `im_open_login_svc` bodies, shared by the client and the emulator. Codes:
 * 70402 bad parameter, 60015 an account that is not a string.
 * @packageDocumentation
 */
import { refuse } from '../errors';
import type { AccountImportRequest, MultiAccountImportRequest } from '../types';
import { accountField, accountList, asFields, isValidAccountId, list, objects, str } from './check';

/** Account service codes. */
export const AccountCode = {
  BadParameter: 70402,
  Internal: 70500,
} as const;

/** Documented limits of the account calls. */
export const ACCOUNT_LIMITS = {
  multiImport: 100,
  nickBytes: 500,
  faceUrlBytes: 500,
} as const;

const P = AccountCode.BadParameter;

/** Validates `account_import`. */
export function validateAccountImport(body: unknown): AccountImportRequest {
  const o = asFields(body, P);
  const UserID = accountField(o, 'UserID', P);
  if (!isValidAccountId(UserID)) refuse(P, `invalid UserID "${UserID}": 1..32 bytes of printable ASCII`);
  const Nick = str(o, 'Nick', P, { maxBytes: ACCOUNT_LIMITS.nickBytes });
  const FaceUrl = str(o, 'FaceUrl', P, { maxBytes: ACCOUNT_LIMITS.faceUrlBytes });
  return { UserID, ...(Nick !== undefined ? { Nick } : {}), ...(FaceUrl !== undefined ? { FaceUrl } : {}) };
}

/**
 * Validates `multiaccount_import` in either documented format
 * (https://cloud.tencent.com/document/product/269/4919): the older `Accounts` (UserIDs) or the newer
 * `AccountList` (objects with `UserID`, optional `Nick` and `FaceUrl`); exactly one of them, 1 to 100
 * entries. Invalid ids are not refused: the service lists them in `FailAccounts`.
 */
export function validateMultiAccountImport(body: unknown): MultiAccountImportRequest {
  const o = asFields(body, P);
  const rules = { required: true, nonEmpty: true, max: ACCOUNT_LIMITS.multiImport } as const;
  if (o.Accounts !== undefined && o.AccountList !== undefined) refuse(P, 'give Accounts or AccountList, not both');
  if (o.AccountList === undefined) return { Accounts: accountList(o, 'Accounts', P, rules) };
  const AccountList = objects(list(o, 'AccountList', P, rules), 'AccountList', P).map((item) => {
    const UserID = accountField(item, 'UserID', P);
    const Nick = str(item, 'Nick', P, { maxBytes: ACCOUNT_LIMITS.nickBytes });
    const FaceUrl = str(item, 'FaceUrl', P, { maxBytes: ACCOUNT_LIMITS.faceUrlBytes });
    return { UserID, ...(Nick !== undefined ? { Nick } : {}), ...(FaceUrl !== undefined ? { FaceUrl } : {}) };
  });
  return { AccountList };
}
