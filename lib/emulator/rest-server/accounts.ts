/**
 * `im_open_login_svc`: `account_import` and `multiaccount_import`, over the profile store the
 * native clients use. `account_import` of an existing account succeeds and leaves its profile as it
 * is; `multiaccount_import`'s newer `AccountList` format updates the nick and avatar it gives.
 * @packageDocumentation
 */
import { REST_APIS } from '../../rest/apis';
import type { MultiAccountImportItem } from '../../rest/types';
import { isValidAccountId } from '../../rest/validate/check';
import { route, Route } from './env';

/** The account routes. */
export const accountRoutes: Route[] = [
  route(REST_APIS.accountImport, (env, req) => {
    env.ctx.store.ensureAccount(req.UserID, {
      ...(req.Nick !== undefined ? { nick: req.Nick } : {}),
      ...(req.FaceUrl !== undefined ? { faceUrl: req.FaceUrl } : {}),
    });
    return {};
  }),
  route(REST_APIS.multiAccountImport, (env, req) => {
    const items: MultiAccountImportItem[] = 'Accounts' in req ? req.Accounts.map((UserID) => ({ UserID })) : req.AccountList;
    const FailAccounts = items.filter((a) => !isValidAccountId(a.UserID)).map((a) => a.UserID);
    const changed: string[] = [];
    env.ctx.db.transaction(() => {
      for (const { UserID, Nick, FaceUrl } of items.filter((a) => isValidAccountId(a.UserID))) {
        const init = { ...(Nick !== undefined ? { nick: Nick } : {}), ...(FaceUrl !== undefined ? { faceUrl: FaceUrl } : {}) };
        // "When batch importing accounts, if an account already exists, it will be updated with the new
        // parameters provided (user nickname, avatar URL, etc.)" (https://trtc.io/document/34954, the
        // English page of 269/4919): an existing account gets the nick and avatar it is given.
        if (!env.ctx.store.ensureAccount(UserID, init) && Object.keys(init).length > 0) {
          env.ctx.store.updateProfile(UserID, init);
          changed.push(UserID);
        }
      }
    })();
    for (const id of new Set(changed)) env.ctx.presence.profileChanged(id);
    return { FailAccounts };
  }),
];
