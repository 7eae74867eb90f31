/**
 * What every REST handler works with: the emulator's shared context, the group tables and the
 * profile tags the shared profile store has no field for.
 * @packageDocumentation
 */
import type { EmulatorContext } from '../context';
import type { GroupStore } from '../group-store';
import type { RestApi } from '../../rest/apis';
import type { RestResponseBase } from '../../rest/types';
import type { ProfileExtras } from './profile-extras';

/** The state handlers read and change. */
export interface RestEnv {
  readonly ctx: EmulatorContext;
  readonly groups: GroupStore;
  readonly extras: ProfileExtras;
  /** Unix seconds. */
  now(): number;
}

/**
 * Serves one API: gets the validated request, returns the response fields beyond the common
 * three, throws `RestError` to refuse. Changes are made in one transaction, all or nothing.
 */
export type Handler<Req, Res extends RestResponseBase> = (env: RestEnv, req: Req) => Omit<Res, keyof RestResponseBase>;

/** An API and its handler. */
export interface Route {
  readonly api: RestApi<unknown, RestResponseBase>;
  readonly handle: (env: RestEnv, req: unknown) => object;
}

/** Pairs an API with its handler, keeping the two typed alike. */
export function route<Req, Res extends RestResponseBase>(api: RestApi<Req, Res>, handle: Handler<Req, Res>): Route {
  return { api: api as RestApi<unknown, RestResponseBase>, handle: handle as (env: RestEnv, req: unknown) => object };
}
