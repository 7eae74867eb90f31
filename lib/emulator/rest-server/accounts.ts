/**
 * `im_open_login_svc`: `account_import` and `multiaccount_import`, over the profile store the
 * native clients use. Importing an existing account succeeds and leaves its profile as it is.
 * @packageDocumentation
 */
import { REST_APIS } from '../../rest/apis';
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
    const valid = req.Accounts.filter(isValidAccountId);
    const FailAccounts = req.Accounts.filter((a) => !isValidAccountId(a));
    env.ctx.db.transaction(() => {
      for (const id of valid) env.ctx.store.ensureAccount(id);
    })();
    return { FailAccounts };
  }),
];
