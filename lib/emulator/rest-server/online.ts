/**
 * `openim/query_online_status`, live from the emulator's presence: `Online` while the account is
 * logged in through a native client, else `Offline`; accounts that do not exist go to `ErrorList`
 * (70107).
 * @packageDocumentation
 */
import { REST_APIS } from '../../rest/apis';
import type { OnlineStatusResult } from '../../rest/types';
import { OnlineCode } from '../../rest/validate/online';
import { route, Route } from './env';

/** Platform reported in `Detail` for a native client's session. */
const NATIVE_PLATFORM = 'PC';

/** The online status routes. */
export const onlineRoutes: Route[] = [
  route(REST_APIS.queryOnlineStatus, (env, req) => {
    const QueryResult: OnlineStatusResult[] = [];
    const ErrorList: { To_Account: string; ErrorCode: number }[] = [];
    for (const id of new Set(req.To_Account)) {
      if (!env.ctx.store.hasAccount(id)) {
        ErrorList.push({ To_Account: id, ErrorCode: OnlineCode.NoSuchAccount });
        continue;
      }
      const online = env.ctx.presence.isOnline(id);
      const result: OnlineStatusResult = { To_Account: id, Status: online ? 'Online' : 'Offline' };
      if (req.IsNeedDetail === 1) result.Detail = online ? [{ Platform: NATIVE_PLATFORM, Status: 'Online' }] : [];
      if (req.IsReturnCustomStatus === 1) result.CustomStatus = env.ctx.presence.status(id).custom;
      QueryResult.push(result);
    }
    return { QueryResult, ...(ErrorList.length > 0 ? { ErrorList } : {}) };
  }),
];
