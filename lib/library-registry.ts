/**
 * Per-thread registries of the TIM libraries this JS environment uses, keyed by the library's path
 * (`RawSdk.path`): which client initialised each one (the TIM SDK is one per process, so one owner
 * at a time), and which call pipelines have calls in it (`uninit()` interrupts all of them).
 * Module state is per JS environment: a worker thread has its own.
 * @packageDocumentation
 */

/** The client that initialised each library. */
const owners = new Map<string, object>();
/** Pipelines with calls in each library. */
const busy = new Map<string, Set<object>>();

/** Makes `client` the owner of `library`; throws when another client of this thread owns it. */
export function claimLibrary(library: string, client: object): void {
  const owner = owners.get(library);
  if (owner !== undefined && owner !== client) {
    throw new Error(`tim-native: another TIMClient of this thread has initialised ${library}; uninit() it first`);
  }
  owners.set(library, client);
}

/** Ends `client`'s ownership of `library` (nothing when it does not own it). */
export function releaseLibrary(library: string, client: object): void {
  if (owners.get(library) === client) owners.delete(library);
}

/** Records that `pipeline` has calls in `library`. */
export function markBusy(library: string, pipeline: object): void {
  let set = busy.get(library);
  if (set === undefined) busy.set(library, (set = new Set()));
  set.add(pipeline);
}

/** Records that `pipeline` has no more calls in `library`. */
export function markIdle(library: string, pipeline: object): void {
  const set = busy.get(library);
  if (set === undefined) return;
  set.delete(pipeline);
  if (set.size === 0) busy.delete(library);
}

/** The pipelines with calls in `library` (a copy: callers change the registry while iterating). */
export function busyOn<T extends object>(library: string): T[] {
  return [...(busy.get(library) ?? [])] as T[];
}
