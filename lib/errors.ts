/**
 * {@link TIMError}, the one error type of failed TIM calls, and the helpers that give it a stack
 * that points at the caller: V8's async frames, captured when a call fails, or the synchronous
 * call site, captured when the call is made (`errorStacks: "call-site"`). Never the callback's.
 * @packageDocumentation
 */
import { describeErrorCode, errorCodeName } from './constants';

/**
 * A TIM call failed. `code` is the error code the library reported through the callback (e.g.
 * 6014 not logged in, 7009 interrupted by `uninit()`, 6012 timed out), or the negative
 * `TIMResult` when the library refused the call outright (e.g. -3 invalid JSON). The stack points
 * at your code, never at a callback: under one frame of tim-native's, the async functions awaiting
 * the call; or the line that made it (see `TIMClientOptions.errorStacks`).
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

  constructor(code: number, desc: string, api: string) {
    super(deferMessage ? '' : formatMessage(code, desc, api));
    this.name = 'TIMError';
    this.code = code;
    this.desc = desc;
    this.api = api;
  }
}

/** Set only while {@link captureCallSite} builds an error whose message {@link failAt} fills in. */
let deferMessage = false;

/** A {@link TIMError} as this module fills it in. */
type MutableTIMError = { -readonly [K in keyof TIMError]: TIMError[K] };

/**
 * The last message made for each API and code, with the description it was made from. When calls
 * fail in a storm (not logged in, offline) they fail alike, and building the same message for
 * each one was a large part of what a failed call allocated (docs/binding-design.md). At most
 * {@link MAX_MESSAGES_PER_API} codes per API are kept (codes are the library's, so unbounded).
 */
const recentMessages = new Map<string, Map<number, { desc: string; message: string }>>();
const MAX_MESSAGES_PER_API = 64;

function formatMessage(code: number, desc: string, api: string): string {
  let byCode = recentMessages.get(api);
  const recent = byCode?.get(code);
  if (recent !== undefined && recent.desc === desc) return recent.message;
  const name = errorCodeName(code);
  const meaning = desc || describeErrorCode(code) || 'unknown error';
  const message = `${api} failed with ${code}${name ? ` ${name}` : ''}: ${meaning}`;
  if (recent !== undefined) {
    recent.desc = desc;
    recent.message = message;
  } else {
    if (byCode === undefined) recentMessages.set(api, (byCode = new Map()));
    if (byCode.size < MAX_MESSAGES_PER_API) byCode.set(code, { desc, message });
  }
  return message;
}

/** The stack of a call site, captured synchronously when a public method is entered. */
export interface CallSite {
  stack?: string;
}

/**
 * Captures the call site of a public method: a {@link TIMError} of `api` whose stack is the current
 * JS stack without `above` (the public method) and every frame inside it, and whose code and
 * message {@link failAt} fills in if the call fails. Built once per call, before anything can fail:
 * the stack is captured once, straight into the error that may be thrown, and V8 formats it (with
 * the message of that time) only when `stack` is first read. It also serves as the call site of
 * any other error of the call ({@link withCallSite}).
 */
export function captureCallSite(above: (...args: never[]) => unknown, api: string): TIMError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // the stack is captured below, without the frames of this module
  deferMessage = true;
  let err: TIMError;
  try {
    err = new TIMError(0, '', api);
  } finally {
    Error.stackTraceLimit = limit;
    deferMessage = false;
  }
  Error.captureStackTrace(err, above);
  return err;
}

/**
 * Turns the error of {@link captureCallSite} into the call's failure: sets `code`, `desc` and the
 * message. Call it at most once per error, and before anything reads its `stack`.
 */
export function failAt(err: TIMError, code: number, desc: string): TIMError {
  const e = err as MutableTIMError;
  e.code = code;
  e.desc = desc;
  e.message = formatMessage(code, desc, err.api);
  return err;
}

/**
 * Builds a {@link TIMError} whose stack is only its `TIMError: ...` line, without capturing any
 * (`errorStacks: "none"`; the stack of a callback or a timer would only mislead).
 */
export function createStacklessTIMError(code: number, desc: string, api: string): TIMError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TIMError(code, desc, api);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Gives an error (from validation, or the addon) the call site's stack, in
 * place. The text is built when `stack` is first read; assigning `stack` still works. (Only for
 * the rare errors that are not the call site's own: an accessor per object is costly.)
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
