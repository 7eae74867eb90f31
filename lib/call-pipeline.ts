/**
 * The call pipeline of one {@link TIMClient}: requests from the public methods to the C library and
 * back. It owns the in-flight table (a call's user data is its slot there, never a JS pointer), the
 * FIFO queue of calls waiting for a slot (`maxInFlight`), the timeouts, and the one callback every
 * call of the client shares. Everything here runs on the JS thread; the addon delivers each call's
 * callback here at most once.
 * @packageDocumentation
 */
import { TIMErrorCode } from './constants';
import { captureCallSite, createStacklessTIMError, failAt, TIMError, withCallSite } from './errors';
import type { CallSite } from './errors';
import { busyOn, markBusy, markIdle } from './library-registry';
import type { RawCommCallback, RawSdk } from './native';
import type { ErrorStacks } from './types';

/** The C function a {@link Request} calls (a number, so dispatching it is a cheap switch). */
export const enum Op {
  Login,
  Logout,
  GetUserProfileList,
  ModifySelfUserProfile,
  GetUserStatus,
  SetSelfStatus,
  SubscribeUserStatus,
  UnsubscribeUserStatus,
  SubscribeUserInfo,
  UnsubscribeUserInfo,
}

/** The C function of each {@link Op}, for errors. */
const OP_API: readonly string[] = [
  'TIMLogin',
  'TIMLogout',
  'TIMProfileGetUserProfileList',
  'TIMProfileModifySelfUserProfile',
  'TIMGetUserStatus',
  'TIMSetSelfStatus',
  'TIMSubscribeUserStatus',
  'TIMUnsubscribeUserStatus',
  'TIMSubscribeUserInfo',
  'TIMUnsubscribeUserInfo',
];

/** One call from its public method until it settles. */
class Request {
  /** Resolves the request's own promise (with the request; {@link finishCall} handles it); set by the executor. */
  wake: (req: Request) => void = noop;
  settled = false;
  /** The outcome once settled: the library's code (0: success) and description, and its answer. */
  code = 0;
  desc = '';
  json = '';
  /** Set instead when the addon threw (the call never reached the library). */
  thrown: Error | undefined = undefined;
  /**
   * While it is in the library (its callback has not come yet; counts against maxInFlight): its
   * index in the pipeline's in-flight table, which is its call's user data. Else -1.
   */
  slot = -1;
  /** When it was sent, in the pipeline's order of sending. */
  sent = 0;
  timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    readonly op: Op,
    /** The first string argument of the C function (`""` when it takes none). */
    readonly arg: string,
    /** The second string argument (`TIMLogin`'s userSig), else `""`. */
    readonly arg2: string,
    readonly parse: (json: string) => unknown,
    /**
     * The synchronous call site, and the rejection if the library fails the call ({@link failAt});
     * `undefined` unless the client captures call sites (`errorStacks: "call-site"`).
     */
    readonly site: TIMError | undefined,
  ) {}
}

/**
 * Turns a settled request into the value or the error of the promise a public method returns
 * (`errorStacks: "async"`). Runs as the `.then` handler of the request's own promise (JS thread, a
 * microtask), and the promise it settles is the one the caller awaits: so a TIMError constructed
 * here has V8's async stack trace, this one frame and then the async functions awaiting the call,
 * that is the caller's code. Success costs no stack. Not `Error.captureStackTrace` to drop this
 * frame too, and not an async function: docs/binding-design.md says what each would cost.
 */
function finishCall(req: Request): unknown {
  if (req.thrown !== undefined) {
    // The addon threw inside dispatch(); its own stack is the queue's, not the caller's.
    Error.captureStackTrace(req.thrown, finishCall);
    throw req.thrown;
  }
  if (req.code === 0) {
    const value = parseAnswer(req);
    if (value !== UNPARSABLE) return value;
  }
  throw new TIMError(req.code, req.desc, OP_API[req.op] as string);
}

/**
 * {@link finishCall} for `errorStacks: "call-site"` (the error captured when the call was made,
 * filled in) and `"none"` (an error without frames).
 */
function finishCallWithoutStack(req: Request): unknown {
  if (req.thrown !== undefined) throw req.site !== undefined ? withCallSite(req.thrown, req.site) : req.thrown;
  if (req.code === 0) {
    const value = parseAnswer(req);
    if (value !== UNPARSABLE) return value;
  }
  if (req.site !== undefined) throw failAt(req.site, req.code, req.desc);
  throw createStacklessTIMError(req.code, req.desc, OP_API[req.op] as string);
}

/** What {@link parseAnswer} returns when the answer is not what the call expects. */
const UNPARSABLE: unique symbol = Symbol('unparsable');

/** The parsed answer of a successful call; else {@link UNPARSABLE}, and the request has failed with `ERR_INVALID_JSON`. */
function parseAnswer(req: Request): unknown {
  try {
    return req.parse(req.json);
  } catch (err) {
    req.code = TIMErrorCode.ERR_INVALID_JSON;
    req.desc = `could not parse the library's answer: ${(err as Error).message}`;
    return UNPARSABLE;
  }
}

/** The request whose promise is being constructed; see {@link takeResolvers}. */
let constructing: Request | undefined;

/** Promise executor shared by every call (no closure per call): hands `resolve` to the request. */
function takeResolvers(resolve: (req: Request) => void): void {
  (constructing as Request).wake = resolve;
}

function noop(): void {}

/**
 * The rejection of a call that failed before reaching the library (a bad argument): the error
 * with the synchronous call site's stack, or with its stack captured again above the public
 * method `above`, so that it starts at the caller rather than in the validation code.
 */
function rejectAt<T>(err: unknown, site: CallSite | undefined, above: (...args: never[]) => unknown): Promise<T> {
  if (err instanceof Error) {
    if (site !== undefined) withCallSite(err, site);
    else Error.captureStackTrace(err, above);
  }
  return Promise.reject(err);
}

/** Options of a {@link CallPipeline}, validated by the client. */
export interface PipelineOptions {
  maxInFlight: number;
  timeoutMs: number | undefined;
  errorStacks: ErrorStacks;
}

/**
 * Calls to one library for one client, at most `maxInFlight` in the library at once, the rest in
 * FIFO order, each settled exactly once: by its callback, its timeout, or {@link stopLibrary}.
 */
export class CallPipeline {
  /** Requests in the library (callback not yet come), by {@link Request.slot}. */
  private inFlight: (Request | undefined)[] = [];
  /** Free slots of `inFlight`, reused before it grows (so it stays as long as maxInFlight at most). */
  private freeSlots: number[] = [];
  private inFlightCount = 0;
  private sentCount = 0;
  /** FIFO of requests waiting for a slot; `queueHead` is the next one. Settled ones are skipped. */
  private queue: (Request | undefined)[] = [];
  private queueHead = 0;
  private pumping = false;
  /**
   * The one callback of every call of this pipeline: the call's user data is its request's slot.
   * (One function for all calls, not a closure per call: less to allocate, and the addon keeps
   * one reference to it.) JS thread.
   */
  private readonly answer: RawCommCallback = (code, desc, json, slot) => this.onAnswer(slot as number, code, desc, json);

  constructor(
    private readonly sdk: RawSdk,
    private readonly options: PipelineOptions,
  ) {}

  /**
   * Makes one call of a public method `above`: `build` validates its arguments (a `TypeError`
   * rejects before anything is sent) and returns the C function's string arguments. The promise
   * settles with the parsed answer or a {@link TIMError}; it never throws.
   */
  call<A, B, T>(
    op: Op,
    above: (...args: never[]) => unknown,
    build: (a: A, b: B) => string,
    a: A,
    b: B,
    parse: (json: string) => unknown,
  ): Promise<T> {
    const site = this.options.errorStacks === 'call-site' ? captureCallSite(above, OP_API[op] as string) : undefined;
    let req: Request;
    try {
      req = new Request(op, build(a, b), op === Op.Login ? (b as string) : '', parse, site);
    } catch (err) {
      return rejectAt(err, site, above);
    }
    return this.send(req) as Promise<T>;
  }

  /** Queues or sends a request; the promise settles with its answer. */
  private send(req: Request): Promise<unknown> {
    constructing = req;
    const settled = new Promise<Request>(takeResolvers);
    constructing = undefined;
    if (this.options.timeoutMs !== undefined) {
      req.timer = setTimeout(() => this.timeOut(req), this.options.timeoutMs);
      req.timer.unref();
    }
    if (this.queueHead === this.queue.length && this.inFlightCount < this.options.maxInFlight && !this.pumping) {
      this.dispatch(req); // nothing waits before it: straight to the library
    } else {
      this.queue.push(req);
      this.pump();
    }
    return settled.then(this.options.errorStacks === 'async' ? finishCall : finishCallWithoutStack);
  }

  /** Calls the request's C function (its slot as user data); returns the `TIMResult`. */
  private invoke(req: Request): number {
    const { sdk, answer } = this;
    const slot = req.slot;
    switch (req.op) {
      case Op.GetUserStatus:
        return sdk.TIMGetUserStatus(req.arg, answer, slot);
      case Op.Login:
        return sdk.TIMLogin(req.arg, req.arg2, answer, slot);
      case Op.Logout:
        return sdk.TIMLogout(answer, slot);
      case Op.GetUserProfileList:
        return sdk.TIMProfileGetUserProfileList(req.arg, answer, slot);
      case Op.ModifySelfUserProfile:
        return sdk.TIMProfileModifySelfUserProfile(req.arg, answer, slot);
      case Op.SetSelfStatus:
        return sdk.TIMSetSelfStatus(req.arg, answer, slot);
      case Op.SubscribeUserStatus:
        return sdk.TIMSubscribeUserStatus(req.arg, answer, slot);
      case Op.UnsubscribeUserStatus:
        return sdk.TIMUnsubscribeUserStatus(req.arg, answer, slot);
      case Op.SubscribeUserInfo:
        return sdk.TIMSubscribeUserInfo(req.arg, answer, slot);
      case Op.UnsubscribeUserInfo:
        return sdk.TIMUnsubscribeUserInfo(req.arg, answer, slot);
    }
  }

  /** Hands a request to the library. */
  private dispatch(req: Request): void {
    const slot = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.inFlight.length;
    this.inFlight[slot] = req;
    req.slot = slot;
    req.sent = this.sentCount++;
    if (this.inFlightCount++ === 0) markBusy(this.sdk.path, this);
    let result: number;
    try {
      result = this.invoke(req);
    } catch (err) {
      this.releaseSlot(req);
      this.settle(req, 0, '', '', err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (result !== 0 && req.slot !== -1) {
      // Refused: the callback will not come. The caller's pump() loop goes on with the next one.
      this.releaseSlot(req);
      this.settle(req, result, '');
    }
  }

  /** The library's callback (JS thread). A late answer (after the timeout) only frees its slot. */
  private onAnswer(slot: number, code: number, desc: string, json: string): void {
    const req = this.inFlight[slot];
    // Not expected: the addon delivers each call's callback at most once and drops those of
    // calls uninit() interrupted or the library refused. A stray answer must still do no harm.
    if (req === undefined) return;
    this.releaseSlot(req);
    this.settle(req, code, desc, json); // no-op when it timed out: the answer is dropped
    if (this.queueHead !== this.queue.length) this.pump();
  }

  /** Takes a request out of the in-flight table; its slot is free for the next call. */
  private releaseSlot(req: Request): void {
    this.inFlight[req.slot] = undefined;
    this.freeSlots.push(req.slot);
    req.slot = -1;
    if (--this.inFlightCount === 0) markIdle(this.sdk.path, this);
  }

  /**
   * Sends queued requests while there are free slots. Not re-entrant: a callback delivered
   * inside a call, or a refused call, leaves the sending to the loop already running.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.pumpLoop();
    } finally {
      this.pumping = false;
    }
  }

  private pumpLoop(): void {
    while (this.inFlightCount < this.options.maxInFlight && this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead] as Request;
      this.queue[this.queueHead++] = undefined; // the queue must not keep it alive
      if (!next.settled) this.dispatch(next);
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private timeOut(req: Request): void {
    req.timer = undefined;
    if (req.settled) return;
    // Queued: it is skipped when its turn comes. In flight: it keeps its slot until the answer.
    this.settle(req, TIMErrorCode.ERR_REQUEST_TIME_OUT, `no answer within ${this.options.timeoutMs} ms`);
  }

  /**
   * Settles once: records the outcome (code 0 and the answer JSON, a failure's code and
   * description, or what the addon threw) and resolves the request's own promise, whose handler
   * ({@link finishCall}) turns it into the caller's result or error.
   */
  private settle(req: Request, code: number, desc: string, json = '', thrown?: Error): void {
    if (req.settled) return;
    req.settled = true;
    if (req.timer !== undefined) {
      clearTimeout(req.timer);
      req.timer = undefined;
    }
    req.code = code;
    req.desc = desc;
    req.json = json;
    req.thrown = thrown;
    req.wake(req);
  }

  /**
   * For `uninit()`: runs `stop` (TIMUninit) with every unsettled call of this pipeline (in flight or
   * queued) and the in-flight calls of the other pipelines of this thread on the same library taken
   * out (`dropPendingCalls()` drops their callbacks), then lets the other pipelines go on with their
   * queues and settles the taken calls with 7009 in the order they were sent, even when `stop` throws.
   */
  stopLibrary(stop: () => void): void {
    const others = busyOn<CallPipeline>(this.sdk.path).filter((p) => p !== this);
    const taken: Request[] = [];
    for (const pipeline of others) taken.push(...pipeline.takeInFlight());
    taken.push(...this.takeInFlight());
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const req = this.queue[i] as Request;
      if (!req.settled) taken.push(req);
    }
    this.queue = [];
    this.queueHead = 0;
    this.sdk.dropPendingCalls();
    try {
      stop();
    } finally {
      for (const pipeline of others) pipeline.pump();
      for (const req of taken) this.settle(req, TIMErrorCode.ERR_SDK_COMM_INTERRUPT, 'interrupted by uninit');
    }
  }

  /** Forgets the in-flight requests (their callbacks are being dropped); returns the unsettled. */
  private takeInFlight(): Request[] {
    const taken: Request[] = [];
    for (const req of this.inFlight) {
      if (req === undefined) continue;
      req.slot = -1;
      if (!req.settled) taken.push(req);
    }
    taken.sort((a, b) => a.sent - b.sent); // they settle in the order they were sent
    this.inFlight = [];
    this.freeSlots = [];
    this.inFlightCount = 0;
    markIdle(this.sdk.path, this);
    return taken;
  }
}
