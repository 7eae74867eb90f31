/**
 * Status subscriptions: who watches whom, in both directions, with the service's list limit.
 * @packageDocumentation
 */

/** How many users one subscriber's list holds; subscribing beyond it evicts the earliest. */
export const MAX_SUBSCRIPTIONS = 200;

/**
 * Subscriptions of subscribers `S` (sessions) to user ids. Each subscriber's list is ordered by
 * when each user was (last) subscribed: subscribing again to a user already in the list moves it
 * to the end, and a full list evicts from the front.
 */
export class SubscriptionTable<S> {
  private readonly bySubscriber = new Map<S, Set<string>>();
  private readonly byTarget = new Map<string, Set<S>>();

  constructor(private readonly limit = MAX_SUBSCRIPTIONS) {}

  /** Subscribes `subscriber` to `targets` in order; returns the users evicted to make room. */
  subscribe(subscriber: S, targets: Iterable<string>): string[] {
    let list = this.bySubscriber.get(subscriber);
    if (!list) {
      list = new Set();
      this.bySubscriber.set(subscriber, list);
    }
    for (const target of targets) {
      list.delete(target);
      list.add(target);
      let watchers = this.byTarget.get(target);
      if (!watchers) {
        watchers = new Set();
        this.byTarget.set(target, watchers);
      }
      watchers.add(subscriber);
    }
    const evicted: string[] = [];
    for (const oldest of list) {
      if (list.size <= this.limit) break;
      list.delete(oldest);
      this.unwatch(oldest, subscriber);
      evicted.push(oldest);
    }
    return evicted;
  }

  /** Removes `targets` from the subscriber's list; users not in it are ignored. */
  unsubscribe(subscriber: S, targets: Iterable<string>): void {
    const list = this.bySubscriber.get(subscriber);
    if (!list) return;
    for (const target of targets) {
      if (list.delete(target)) this.unwatch(target, subscriber);
    }
    if (list.size === 0) this.bySubscriber.delete(subscriber);
  }

  /** Removes every subscription of the subscriber. */
  clear(subscriber: S): void {
    const list = this.bySubscriber.get(subscriber);
    if (!list) return;
    for (const target of list) this.unwatch(target, subscriber);
    this.bySubscriber.delete(subscriber);
  }

  /** The subscribers watching `target`. */
  watchers(target: string): ReadonlySet<S> {
    return this.byTarget.get(target) ?? EMPTY;
  }

  /** The users `subscriber` watches, earliest first. */
  list(subscriber: S): string[] {
    return [...(this.bySubscriber.get(subscriber) ?? [])];
  }

  private unwatch(target: string, subscriber: S): void {
    const watchers = this.byTarget.get(target);
    if (!watchers) return;
    watchers.delete(subscriber);
    if (watchers.size === 0) this.byTarget.delete(target);
  }
}

const EMPTY: ReadonlySet<never> = new Set<never>();
