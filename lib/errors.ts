/**
 * {@link TIMError}, the one error type of failed TIM calls, and the helpers that build it with the
 * stack of the call site (captured when the call was made, not in the callback).
 * @packageDocumentation
 */
import { describeErrorCode, errorCodeName } from './constants';

/**
 * A TIM call failed. `code` is the error code the library reported through the callback (e.g.
 * 6014 not logged in, 7009 interrupted by `uninit()`, 6012 timed out), or the negative
 * `TIMResult` when the library refused the call outright (e.g. -3 invalid JSON). The stack is the
 * one of the call that failed.
 * @example
 * try { await client.getUserStatus(['u1']); }
 * catch (err) { if (err instanceof TIMError && err.code === TIMErrorCode.ERR_SDK_NOT_LOGGED_IN) ... }
 */
export class TIMError extends Error {
  /** The error code (see `TIMErrorCode`), or the negative `TIMResult` of a refused call. */
  readonly code: number;
  /** The library's own description of the error (may be empty). */
  readonly desc: string;
  /** The C function that failed, e.g. `"TIMGetUserStatus"`. */
  readonly api: string;

  /** Prefer {@link createTIMError}, which also attaches the call-site stack. */
  constructor(code: number, desc: string, api: string) {
    super(formatMessage(code, desc, api));
    this.name = 'TIMError';
    this.code = code;
    this.desc = desc;
    this.api = api;
  }
}

function formatMessage(code: number, desc: string, api: string): string {
  const name = errorCodeName(code);
  const meaning = desc || describeErrorCode(code) || 'unknown error';
  return `${api} failed with ${code}${name ? ` ${name}` : ''}: ${meaning}`;
}

/** The stack of a call site, captured synchronously when a public method is entered. */
export interface CallSite {
  stack?: string;
}

/**
 * Captures the current JS stack, hiding `above` (the public method) and every frame inside it.
 * Cheap enough for every call: V8 formats the stack only when `stack` is read.
 */
export function captureCallSite(above: (...args: never[]) => unknown): CallSite {
  const site: CallSite = {};
  Error.captureStackTrace(site, above);
  return site;
}

/**
 * Builds a {@link TIMError} whose stack is the call site's (the `at ...` lines of `site`) under
 * the error's own `TIMError: ...` line. The error's own stack is not captured (the call site
 * replaces it) and the stack text is formatted only when first read.
 */
export function createTIMError(code: number, desc: string, api: string, site?: CallSite): TIMError {
  if (site === undefined) return new TIMError(code, desc, api);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let err: TIMError;
  try {
    err = new TIMError(code, desc, api);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return withCallSite(err, site);
}

/**
 * Gives an error (from validation, the addon, or {@link createTIMError}) the call site's stack, in
 * place. The text is built when `stack` is first read; assigning `stack` still works.
 */
export function withCallSite<E extends Error>(err: E, site: CallSite): E {
  let text: string | undefined;
  Object.defineProperty(err, 'stack', {
    configurable: true,
    enumerable: false,
    get(): string {
      if (text === undefined) {
        const frames = site.stack ?? '';
        const newline = frames.indexOf('\n');
        text = `${err.name}: ${err.message}${newline === -1 ? '' : frames.slice(newline)}`;
      }
      return text;
    },
    set(value: string) {
      text = value;
    },
  });
  return err;
}
