/**
 * The native listeners of one {@link TIMClient}: a library listener is registered while the client
 * is initialised and has at least one JS listener of its event, and removed otherwise, so that the
 * library only does work (and the addon only keeps a thread-safe function) for events someone
 * hears. It follows the client's `newListener` and `removeListener` events, as node-usb starts and
 * stops hotplug detection. Payloads arrive parsed; all of this runs on the JS thread.
 * @packageDocumentation
 */
import type { EventEmitter } from 'events';
import type { TIMNetworkStatus } from './constants';
import type { RawSdk } from './native';
import type { TIMClientEventName } from './types';
import { describe } from './validate';

/** Every event a {@link TIMClient} emits from a library listener. */
export const EVENT_NAMES: readonly TIMClientEventName[] = [
  'userStatusChanged',
  'selfInfoUpdated',
  'userInfoChanged',
  'networkStatus',
  'kickedOffline',
  'userSigExpired',
];

function isClientEvent(event: string | symbol): event is TIMClientEventName {
  return (EVENT_NAMES as readonly (string | symbol)[]).includes(event);
}

/** The native listener registrations of one client. */
export class NativeListeners {
  /** Events whose native listener is registered. */
  private readonly registered = new Set<TIMClientEventName>();
  /** Whether the client is initialised (listeners are registered only then). */
  private active = false;
  /**
   * `newListener` fires before the listener is added: an event that gains a listener needs its
   * native listener, whatever the count says yet.
   */
  private readonly onNewListener = (event: string | symbol): void => {
    if (isClientEvent(event)) this.sync(event, true);
  };
  /** `removeListener` fires after the listener is gone (also for a `once` listener that fired). */
  private readonly onRemoveListener = (event: string | symbol): void => {
    if (isClientEvent(event)) this.sync(event, this.emitter.listenerCount(event) > 0);
  };

  constructor(
    private readonly sdk: RawSdk,
    private readonly emitter: EventEmitter,
  ) {
    this.hook();
  }

  /**
   * Follows the emitter's listeners; called again after `removeAllListeners()`, which removes these
   * two hooks as well as the user's listeners.
   */
  hook(): void {
    if (!this.emitter.listeners('newListener').includes(this.onNewListener)) this.emitter.on('newListener', this.onNewListener);
    if (!this.emitter.listeners('removeListener').includes(this.onRemoveListener)) {
      this.emitter.on('removeListener', this.onRemoveListener);
    }
  }

  /**
   * Starts (at init, before TIMInit, so that the first network status events are not missed) or
   * stops (at uninit) every native listener the JS listeners call for.
   */
  setActive(active: boolean): void {
    this.active = active;
    for (const event of EVENT_NAMES) this.sync(event, this.emitter.listenerCount(event) > 0);
  }

  /** Registers the native listener of `event` iff the client is active and `heard`. */
  private sync(event: TIMClientEventName, heard: boolean): void {
    const wanted = this.active && heard;
    if (wanted === this.registered.has(event)) return;
    if (wanted) this.registered.add(event);
    else this.registered.delete(event);
    const { sdk, emitter } = this;
    switch (event) {
      case 'userStatusChanged':
        sdk.TIMSetUserStatusChangedCallback(wanted ? (json) => this.emitJson('userStatusChanged', json, true) : null);
        break;
      case 'selfInfoUpdated':
        sdk.TIMSetSelfInfoUpdatedCallback(wanted ? (json) => this.emitJson('selfInfoUpdated', json, false) : null);
        break;
      case 'userInfoChanged':
        sdk.TIMSetUserInfoChangedCallback(wanted ? (json) => this.emitJson('userInfoChanged', json, true) : null);
        break;
      case 'networkStatus':
        sdk.TIMSetNetworkStatusListenerCallback(
          wanted ? (status, code, desc) => emitter.emit('networkStatus', { status: status as TIMNetworkStatus, code, desc }) : null,
        );
        break;
      case 'kickedOffline':
        sdk.TIMSetKickedOfflineCallback(wanted ? () => emitter.emit('kickedOffline') : null);
        break;
      case 'userSigExpired':
        sdk.TIMSetUserSigExpiredCallback(wanted ? () => emitter.emit('userSigExpired') : null);
        break;
    }
  }

  /** Parses a listener's JSON payload and emits it; a payload that does not parse is a warning. */
  private emitJson(event: 'userStatusChanged' | 'selfInfoUpdated' | 'userInfoChanged', json: string, isArray: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (err) {
      process.emitWarning(`tim-native: dropped a ${event} event whose payload is not JSON: ${(err as Error).message}`);
      return;
    }
    if (isArray !== Array.isArray(value) || typeof value !== 'object' || value === null) {
      process.emitWarning(`tim-native: dropped a ${event} event whose payload is ${describe(value)}`);
      return;
    }
    this.emitter.emit(event, value);
  }
}
