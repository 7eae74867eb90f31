/**
 * The REST API's regional domains, as documented by Tencent.
 * @packageDocumentation
 */

/** Where an SDKAppID lives. */
export type RestRegion = 'china' | 'singapore' | 'seoul' | 'frankfurt' | 'siliconvalley' | 'jakarta';

/** Domain of each region's REST API. */
export const REST_REGION_DOMAINS: Readonly<Record<RestRegion, string>> = Object.freeze({
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  seoul: 'adminapikr.im.qcloud.com',
  frankfurt: 'adminapiger.im.qcloud.com',
  siliconvalley: 'adminapiusa.im.qcloud.com',
  jakarta: 'adminapiidn.im.qcloud.com',
});

/** Whether `value` names a region. */
export function isRestRegion(value: unknown): value is RestRegion {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REST_REGION_DOMAINS, value);
}

/** The base URL (`https://<domain>`) of a region. */
export function regionBaseUrl(region: RestRegion): string {
  return `https://${REST_REGION_DOMAINS[region]}`;
}
