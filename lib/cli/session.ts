/**
 * The user side of the CLI: the options shared by `profile` and `status`, and a logged-in
 * {@link TIMClient} made from them (emulator backend by default, or a TIM library with `--sdk`).
 * @packageDocumentation
 */
import { TIMClient } from '../client';
import { TIMNetworkStatus } from '../constants';
import { DEFAULT_EMULATOR_PORT, DEFAULT_EMULATOR_SDK_APP_ID, DEV_SECRET_KEY } from '../emulator';
import { TIMError } from '../errors';
import type { NetworkStatusEvent } from '../types';
import { genUserSig } from '../usersig';
import { checkEmulatorAddress } from '../validate';
import { int, str, UsageError, type OptionSpecs, type Values } from './args';
import { HintedError } from './output';

/** Options of every command that acts as a user. */
export const USER_OPTIONS: OptionSpecs = {
  user: { type: 'string', short: 'u' },
  emulator: { type: 'string' },
  sdk: { type: 'string' },
  sdkappid: { type: 'string' },
  usersig: { type: 'string' },
  secret: { type: 'string' },
  timeout: { type: 'string' },
};

/** Help of {@link USER_OPTIONS}. */
export const USER_OPTIONS_HELP = `  -u, --user ID          the user to log in as (env TIM_USER)
  --emulator HOST:PORT   the emulator to use (env TIM_EMULATOR_HOST, default 127.0.0.1:${DEFAULT_EMULATOR_PORT})
  --sdk PATH             use this TIM C library instead of the emulator backend, e.g. Tencent's
                         libImSDK.so / ImSDK.dll / ImSDKForMac.dylib (needs --usersig or --secret)
  --sdkappid N           the app's SDKAppID (env TIM_SDKAPPID, default ${DEFAULT_EMULATOR_SDK_APP_ID})
  --usersig SIG          the user's UserSig (default: generated with --secret)
  --secret KEY           secret key to generate the UserSig with (env TIM_SECRET_KEY; for the
                         emulator the default is its public development key)
  --timeout SECONDS      give up on a call after this long (default 10)`;

/** A logged-in client. */
export interface UserSession {
  readonly client: TIMClient;
  readonly userId: string;
  /** Logs out (best effort) and uninitialises. */
  close(): Promise<void>;
}

/** Checks `host:port` (IPv6 hosts in brackets) with TIMClient's parser, as a usage error of `what`. */
function checkAddress(address: string, what: string, command: string): string {
  try {
    return checkEmulatorAddress(address, what);
  } catch (err) {
    throw new UsageError((err as Error).message, command);
  }
}

/** The SDKAppID from `--sdkappid`, `TIM_SDKAPPID` or the emulator's default. */
export function sdkAppIdOption(values: Values, command: string): number {
  const fromEnv = process.env.TIM_SDKAPPID;
  const withEnv = str(values, 'sdkappid') === undefined && fromEnv ? { ...values, sdkappid: fromEnv } : values;
  return int(withEnv, 'sdkappid', DEFAULT_EMULATOR_SDK_APP_ID, 1, Number.MAX_SAFE_INTEGER, command);
}

/** The emulator address the user options point at. */
export function emulatorAddress(values: Values, command: string): string {
  const option = str(values, 'emulator');
  if (option !== undefined) return checkAddress(option, '--emulator', command);
  const fromEnv = process.env.TIM_EMULATOR_HOST;
  return fromEnv ? checkAddress(fromEnv, 'TIM_EMULATOR_HOST', command) : `127.0.0.1:${DEFAULT_EMULATOR_PORT}`;
}

/** Initialises a client from the user options and logs in. */
export async function openSession(values: Values, command: string): Promise<UserSession> {
  const userId = str(values, 'user') ?? process.env.TIM_USER;
  if (!userId) throw new UsageError('missing --user ID: the user to act as (or set TIM_USER)', command);
  const sdkPath = str(values, 'sdk');
  const explicitEmulator = str(values, 'emulator');
  const address = sdkPath === undefined || explicitEmulator !== undefined ? emulatorAddress(values, command) : undefined;
  const sdkAppId = sdkAppIdOption(values, command);
  const timeoutMs = int(values, 'timeout', 10, 1, 3600, command) * 1000;
  const userSig = str(values, 'usersig') ?? makeUserSig(values, sdkPath, sdkAppId, userId, command);

  const client = new TIMClient({ ...(sdkPath !== undefined ? { sdkPath } : {}), ...(address !== undefined ? { emulator: address } : {}), timeoutMs });
  client.init(sdkAppId);
  try {
    await loginOrFailFast(client, userId, userSig, sdkPath === undefined ? address : undefined);
  } catch (err) {
    client.uninit();
    throw explainLoginError(err, address, sdkPath);
  }
  return {
    client,
    userId,
    async close() {
      await client.logout().catch(() => undefined);
      client.uninit();
    },
  };
}

function makeUserSig(values: Values, sdkPath: string | undefined, sdkAppId: number, userId: string, command: string): string {
  const secret = str(values, 'secret') ?? process.env.TIM_SECRET_KEY;
  if (secret === undefined && sdkPath !== undefined) {
    throw new UsageError('with --sdk, give --usersig, or --secret (or TIM_SECRET_KEY) to generate one', command);
  }
  return genUserSig({ sdkAppId, secretKey: secret ?? DEV_SECRET_KEY, userId });
}

/**
 * Logs in. With the emulator backend, a failed connection attempt fails the login at once
 * (the library would otherwise retry until the timeout).
 */
function loginOrFailFast(client: TIMClient, userId: string, userSig: string, emulator: string | undefined): Promise<void> {
  if (emulator === undefined) return client.login(userId, userSig);
  let onStatus: ((e: NetworkStatusEvent) => void) | undefined;
  const connectFailed = new Promise<never>((_, reject) => {
    onStatus = (e) => {
      if (e.status === TIMNetworkStatus.kTIMConnectFailed) reject(new TIMError(e.code, e.desc, 'connect'));
    };
    client.on('networkStatus', onStatus);
  });
  return Promise.race([client.login(userId, userSig), connectFailed]).finally(() => {
    if (onStatus) client.off('networkStatus', onStatus);
  });
}

const SIG_CODES = new Set([70001, 70002, 70003, 70009, 70013, 70014]);

function explainLoginError(err: unknown, address: string | undefined, sdkPath: string | undefined): unknown {
  if (!(err instanceof TIMError)) return err;
  if (err.api === 'connect' || (err.code === 6012 && sdkPath === undefined)) {
    return new HintedError(err, `is an emulator running at ${address}? Start one with \`tim-native emulator\`, or pass --emulator HOST:PORT`);
  }
  if (SIG_CODES.has(err.code)) {
    const how = sdkPath === undefined
      ? "omit --usersig to have one made with the emulator's development key, or pass the emulator's --secret and --sdkappid"
      : 'make one with `tim-native usersig <userId> --secret KEY --sdkappid N` using your app\'s key';
    return new HintedError(err, `the UserSig does not fit: ${how}`);
  }
  return err;
}
