/**
 * The TIM REST API client: {@link RestClient}, its errors, request and response types, and the
 * shared validators (the emulator checks requests with the same code).
 * @packageDocumentation
 */
export { RestClient } from './client';
export type { RestClientOptions, RestGenericResponse } from './client';
export { RestError, NETWORK_ERROR_CODE, BAD_RESPONSE_CODE } from './errors';
export { CommonCode } from './codes';
export { REST_APIS, SERVICE_CODES, findApi } from './apis';
export type { RestApi } from './apis';
export { REST_REGION_DOMAINS, regionBaseUrl, isRestRegion } from './regions';
export type { RestRegion } from './regions';
export { GroupCode, GROUP_LIMITS, isValidGroupId, isValidCustomKey } from './validate/groups';
export { ProfileCode, PROFILE_LIMITS } from './validate/profile';
export { AccountCode, ACCOUNT_LIMITS } from './validate/accounts';
export { OnlineCode, ONLINE_QUERY_MAX } from './validate/online';
export type * from './types';
