/**
 * The one error type of the REST client, also thrown by the shared request validators (so the
 * emulator and the client refuse bad input with the same code).
 * @packageDocumentation
 */

/** A REST call that failed: refused by the service, by client-side validation, or on the network. */
export class RestError extends Error {
  /**
   * The service's `ErrorCode` (e.g. 10004 bad parameter, 10010 no such group), the same code the
   * client's own validation uses, or -1 for a network failure or timeout, -2 for a response that is
   * not the service's JSON.
   */
  readonly code: number;
  /** The service's `ErrorInfo`, or the client's explanation. */
  readonly info: string;
  /** The service part of the URL, e.g. `group_open_http_svc`. */
  readonly service: string;
  /** The command part of the URL, e.g. `get_specified_group_member_info`. */
  readonly command: string;

  /** `service`/`command` may be empty while a validator runs; the client fills them in. */
  constructor(code: number, info: string, service = '', command = '', options?: { cause?: unknown }) {
    super(`${service && command ? `${service}/${command}: ` : ''}${info} (${code})`, options);
    this.name = 'RestError';
    this.code = code;
    this.info = info;
    this.service = service;
    this.command = command;
  }

  /** The same error attributed to an API, with the stack of the current call site. */
  withApi(service: string, command: string): RestError {
    return new RestError(this.code, this.info, service, command, { cause: this.cause });
  }
}

/** `RestError.code` of a request that never got a response (connection failure or timeout). */
export const NETWORK_ERROR_CODE = -1;
/** `RestError.code` of a response that is not JSON with an `ErrorCode`. */
export const BAD_RESPONSE_CODE = -2;

/** Throws a {@link RestError} without service and command (filled in by the caller). */
export function refuse(code: number, info: string): never {
  throw new RestError(code, info);
}
