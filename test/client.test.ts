/**
 * Unit tests of the TypeScript layer against the REAL addon and the emulator backend built into
 * it (no mocks of the native layer): constants, validation, error codes and call-site stacks,
 * lifecycle (6013 / 6014 / 7009), the in-flight queue, timeouts, and events against a running
 * emulator server.
 */
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { createServer, type Server, type Socket } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { emulatorLibraryPath, loadAddon } from '../lib/binding';
import { TIMClient } from '../lib/client';
import { dataBaseDir, defaultSdkDirs } from '../lib/config-dir';
import * as C from '../lib/constants';
import {
  describeErrorCode,
  errorCodeName,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemLoaction,
  kTIMUserProfileItemLocation,
  kTIMUserProfileItemNickName,
  kTIMUserProfileNickName,
  kTIMUserStatusCustomStatus,
  kTIMUserStatusIdentifier,
  TIMErrorCode,
  TIMErrorDescription,
  TIMGenderType,
  TIMLoginStatus,
  TIMNetworkStatus,
} from '../lib/constants';
import { startEmulator, type Emulator } from '../lib/emulator';
import { encodeFrame, FrameDecoder, FrameType, Op, PREFACE, PROTOCOL_VERSION } from '../lib/emulator/protocol';
import { TIMError } from '../lib/errors';
import * as pkg from '../lib/index';
import type { NetworkStatusEvent, UserProfile, UserProfileItem, UserStatus } from '../lib/types';
import { PushEvent } from '../lib/emulator/protocol';
import { ProtocolClient } from './helpers/protocol-client';

const APP_ID = 1400000001;
const THIS_FILE = path.basename(__filename);
const quiet = (): void => undefined;

let dataDir: string;
const savedDataEnv = process.env.TIM_NATIVE_DATA_DIR;
let live: TIMClient[] = [];

/** A client that afterEach() uninits, so each test starts with the library free. */
function client(options: ConstructorParameters<typeof TIMClient>[0] = {}): TIMClient {
  const c = new TIMClient(options);
  live.push(c);
  return c;
}

/** A server on 127.0.0.1 that hands each connection to `serve`; `close()` drops them all. */
async function localServer(serve: (socket: Socket) => void): Promise<{ address: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', quiet);
    s.on('close', () => sockets.delete(s));
    serve(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A local server that accepts connections and never answers: logins there stay pending. */
function blackhole(): Promise<{ address: string; close(): void }> {
  return localServer(quiet);
}

/**
 * A local server speaking the emulator protocol (docs/emulator-protocol.md) that accepts every
 * login and answers every GET_STATUS with success and `answer` as its JSON: what a library that
 * returns an unreadable answer looks like to TIMClient.
 */
function garbledStatusServer(answer: string): Promise<{ address: string; close(): void }> {
  return localServer((s) => {
    const decoder = new FrameDecoder();
    let preface = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      if (preface.length < PREFACE.length) {
        const need = PREFACE.length - preface.length;
        preface = Buffer.concat([preface, chunk.subarray(0, need)]);
        chunk = chunk.subarray(need);
      }
      for (const frame of decoder.push(chunk)) {
        if (frame.type === FrameType.Hello) {
          s.write(encodeFrame({ type: FrameType.Welcome, version: PROTOCOL_VERSION, serverTimeMs: BigInt(Date.now()) }));
        } else if (frame.type === FrameType.Request) {
          const json = frame.op === Op.GetStatus ? answer : '';
          s.write(encodeFrame({ type: FrameType.Response, id: frame.id, code: 0, desc: '', json }));
        }
      }
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

function waitFor<T>(emitter: TIMClient, event: 'selfInfoUpdated' | 'userStatusChanged' | 'networkStatus' | 'kickedOffline', match: (arg: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs).unref();
    const listener = (arg?: unknown): void => {
      if (!match(arg as T)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(arg as T);
    };
    emitter.on(event, listener);
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tim-native-client-test-'));
  process.env.TIM_NATIVE_DATA_DIR = dataDir;
});

afterEach(() => {
  for (const c of live) c.uninit();
  live = [];
});

afterAll(() => {
  if (savedDataEnv === undefined) delete process.env.TIM_NATIVE_DATA_DIR;
  else process.env.TIM_NATIVE_DATA_DIR = savedDataEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('constants', () => {
  test('every key has the vendor string value', () => {
    expect({
      kTIMSdkConfigConfigFilePath: C.kTIMSdkConfigConfigFilePath,
      kTIMSdkConfigLogFilePath: C.kTIMSdkConfigLogFilePath,
      kTIMSdkConfigMainThreadID: C.kTIMSdkConfigMainThreadID,
      kTIMSetConfigLogLevel: C.kTIMSetConfigLogLevel,
      kTIMSetConfigCallbackLogLevel: C.kTIMSetConfigCallbackLogLevel,
      kTIMSetConfigIsLogOutputConsole: C.kTIMSetConfigIsLogOutputConsole,
      kTIMFriendShipGetProfileListParamIdentifierArray: C.kTIMFriendShipGetProfileListParamIdentifierArray,
      kTIMFriendShipGetProfileListParamForceUpdate: C.kTIMFriendShipGetProfileListParamForceUpdate,
      kTIMUserStatusIdentifier: C.kTIMUserStatusIdentifier,
      kTIMUserStatusStatusType: C.kTIMUserStatusStatusType,
      kTIMUserStatusCustomStatus: C.kTIMUserStatusCustomStatus,
      kTIMUserStatusOnlineDevices: C.kTIMUserStatusOnlineDevices,
      kTIMUserProfileIdentifier: C.kTIMUserProfileIdentifier,
      kTIMUserProfileNickName: C.kTIMUserProfileNickName,
      kTIMUserProfileGender: C.kTIMUserProfileGender,
      kTIMUserProfileFaceUrl: C.kTIMUserProfileFaceUrl,
      kTIMUserProfileFriendRemark: C.kTIMUserProfileFriendRemark,
      kTIMUserProfileSelfSignature: C.kTIMUserProfileSelfSignature,
      kTIMUserProfileAddPermission: C.kTIMUserProfileAddPermission,
      kTIMUserProfileLocation: C.kTIMUserProfileLocation,
      kTIMUserProfileLanguage: C.kTIMUserProfileLanguage,
      kTIMUserProfileBirthDay: C.kTIMUserProfileBirthDay,
      kTIMUserProfileLevel: C.kTIMUserProfileLevel,
      kTIMUserProfileRole: C.kTIMUserProfileRole,
      kTIMUserProfileCustomStringArray: C.kTIMUserProfileCustomStringArray,
      kTIMUserProfileItemNickName: C.kTIMUserProfileItemNickName,
      kTIMUserProfileItemGender: C.kTIMUserProfileItemGender,
      kTIMUserProfileItemFaceUrl: C.kTIMUserProfileItemFaceUrl,
      kTIMUserProfileItemSelfSignature: C.kTIMUserProfileItemSelfSignature,
      kTIMUserProfileItemAddPermission: C.kTIMUserProfileItemAddPermission,
      kTIMUserProfileItemLocation: C.kTIMUserProfileItemLocation,
      kTIMUserProfileItemLanguage: C.kTIMUserProfileItemLanguage,
      kTIMUserProfileItemBirthDay: C.kTIMUserProfileItemBirthDay,
      kTIMUserProfileItemLevel: C.kTIMUserProfileItemLevel,
      kTIMUserProfileItemRole: C.kTIMUserProfileItemRole,
      kTIMUserProfileItemCustomStringArray: C.kTIMUserProfileItemCustomStringArray,
      kTIMUserProfileCustomStringInfoKey: C.kTIMUserProfileCustomStringInfoKey,
      kTIMUserProfileCustomStringInfoValue: C.kTIMUserProfileCustomStringInfoValue,
      kTIMProfileChangeElemChangeType: C.kTIMProfileChangeElemChangeType,
      kTIMProfileChangeElemFromIdentifier: C.kTIMProfileChangeElemFromIdentifier,
      kTIMProfileChangeElemUserProfileItem: C.kTIMProfileChangeElemUserProfileItem,
    }).toEqual({
      kTIMSdkConfigConfigFilePath: 'sdk_config_config_file_path',
      kTIMSdkConfigLogFilePath: 'sdk_config_log_file_path',
      kTIMSdkConfigMainThreadID: 'sdk_config_main_thread_id',
      kTIMSetConfigLogLevel: 'set_config_log_level',
      kTIMSetConfigCallbackLogLevel: 'set_config_callback_log_level',
      kTIMSetConfigIsLogOutputConsole: 'set_config_is_log_output_console',
      kTIMFriendShipGetProfileListParamIdentifierArray: 'friendship_getprofilelist_param_identifier_array',
      kTIMFriendShipGetProfileListParamForceUpdate: 'friendship_getprofilelist_param_force_update',
      kTIMUserStatusIdentifier: 'user_status_identifier',
      kTIMUserStatusStatusType: 'user_status_status_type',
      kTIMUserStatusCustomStatus: 'user_status_custom_status',
      kTIMUserStatusOnlineDevices: 'user_status_online_devices',
      kTIMUserProfileIdentifier: 'user_profile_identifier',
      kTIMUserProfileNickName: 'user_profile_nick_name',
      kTIMUserProfileGender: 'user_profile_gender',
      kTIMUserProfileFaceUrl: 'user_profile_face_url',
      kTIMUserProfileFriendRemark: 'user_profile_friend_remark',
      kTIMUserProfileSelfSignature: 'user_profile_self_signature',
      kTIMUserProfileAddPermission: 'user_profile_add_permission',
      kTIMUserProfileLocation: 'user_profile_location',
      kTIMUserProfileLanguage: 'user_profile_language',
      kTIMUserProfileBirthDay: 'user_profile_birthday',
      kTIMUserProfileLevel: 'user_profile_level',
      kTIMUserProfileRole: 'user_profile_role',
      kTIMUserProfileCustomStringArray: 'user_profile_custom_string_array',
      kTIMUserProfileItemNickName: 'user_profile_item_nick_name',
      kTIMUserProfileItemGender: 'user_profile_item_gender',
      kTIMUserProfileItemFaceUrl: 'user_profile_item_face_url',
      kTIMUserProfileItemSelfSignature: 'user_profile_item_self_signature',
      kTIMUserProfileItemAddPermission: 'user_profile_item_add_permission',
      kTIMUserProfileItemLocation: 'user_profile_item_location',
      kTIMUserProfileItemLanguage: 'user_profile_item_language',
      kTIMUserProfileItemBirthDay: 'user_profile_item_birthday',
      kTIMUserProfileItemLevel: 'user_profile_item_level',
      kTIMUserProfileItemRole: 'user_profile_item_role',
      kTIMUserProfileItemCustomStringArray: 'user_profile_item_custom_string_array',
      kTIMUserProfileCustomStringInfoKey: 'user_profile_custom_string_info_key',
      kTIMUserProfileCustomStringInfoValue: 'user_profile_custom_string_info_value',
      kTIMProfileChangeElemChangeType: 'profile_change_elem_change_type',
      kTIMProfileChangeElemFromIdentifier: 'profile_change_elem_from_identifier',
      kTIMProfileChangeElemUserProfileItem: 'profile_change_elem_user_profile_item',
    });
  });

  test('deprecated aliases have the same values', () => {
    expect(C.kTIMUserProfileItemLoaction).toBe(C.kTIMUserProfileItemLocation);
    expect(C.kTIMUserProfileCustemStringInfoKey).toBe(C.kTIMUserProfileCustomStringInfoKey);
    expect(C.kTIMUserProfileCustemStringInfoValue).toBe(C.kTIMUserProfileCustomStringInfoValue);
    expect(C.KTIMUserStatusOnlineDevices).toBe(C.kTIMUserStatusOnlineDevices);
    expect(C.kTIMProfileChangeElemFromIndentifier).toBe(C.kTIMProfileChangeElemFromIdentifier);
    expect(C.TIMGenderType.kTIMGenderType_Unkown).toBe(C.TIMGenderType.kTIMGenderType_Unknown);
  });

  test('enums are runtime values', () => {
    expect(C.TIMResult).toEqual({ TIM_SUCC: 0, TIM_ERR_SDKUNINIT: -1, TIM_ERR_NOTLOGIN: -2, TIM_ERR_JSON: -3, TIM_ERR_PARAM: -4, TIM_ERR_CONV: -5, TIM_ERR_GROUP: -6 });
    expect(C.TIMLoginStatus).toEqual({ kTIMLoginStatus_Logined: 1, kTIMLoginStatus_Logining: 2, kTIMLoginStatus_UnLogined: 3, kTIMLoginStatus_Logouting: 4 });
    expect(C.TIMUserStatusType).toEqual({ kTIMUserStatusType_Unkown: 0, kTIMUserStatusType_Online: 1, kTIMUserStatusType_Offline: 2, kTIMUserStatusType_UnLogined: 3 });
    expect(C.TIMGenderType).toEqual({ kTIMGenderType_Unknown: 0, kTIMGenderType_Male: 1, kTIMGenderType_Female: 2, kTIMGenderType_Unkown: 0 });
    expect(C.TIMProfileAddPermission).toEqual({
      kTIMProfileAddPermission_Unknown: 0,
      kTIMProfileAddPermission_AllowAny: 1,
      kTIMProfileAddPermission_NeedConfirm: 2,
      kTIMProfileAddPermission_DenyAny: 3,
    });
    expect(C.TIMNetworkStatus).toEqual({ kTIMConnected: 0, kTIMDisconnected: 1, kTIMConnecting: 2, kTIMConnectFailed: 3 });
    expect(C.TIMProfileChangeType).toEqual({ kTIMProfileChange_None: 0, kTIMProfileChange_Profile: 1 });
  });

  test('error codes are named and described', () => {
    expect(TIMErrorCode.ERR_SDK_NOT_INITIALIZED).toBe(6013);
    expect(TIMErrorCode.ERR_SDK_NOT_LOGGED_IN).toBe(6014);
    expect(TIMErrorCode.ERR_REQUEST_TIME_OUT).toBe(6012);
    expect(TIMErrorCode.ERR_SDK_COMM_INTERRUPT).toBe(7009);
    expect(TIMErrorCode.ERR_SDK_NET_REQ_COUNT_LIMIT).toBe(9507);
    expect(TIMErrorCode.ERR_SDK_FRIENDSHIP_INVALID_PROFILE_KEY).toBe(9001);
    for (const code of Object.values(TIMErrorCode)) expect(TIMErrorDescription[code]).toMatch(/\S/);
    expect(errorCodeName(6014)).toBe('ERR_SDK_NOT_LOGGED_IN');
    expect(errorCodeName(-3)).toBe('TIM_ERR_JSON');
    expect(errorCodeName(123456)).toBeUndefined();
    expect(describeErrorCode(7009)).toBe('interrupted by uninit');
    expect(describeErrorCode(-1)).toMatch(/not initialized/);
  });

  test('types are keyed by the constants (checked by `npm run typecheck`)', () => {
    const item: UserProfileItem = {
      [kTIMUserProfileItemNickName]: 'x',
      [kTIMUserProfileItemGender]: TIMGenderType.kTIMGenderType_Female,
      [kTIMUserProfileItemLoaction]: 'deprecated alias, same key',
    };
    // @ts-expect-error a nickname is a string
    const wrongType: UserProfileItem = { [kTIMUserProfileItemNickName]: 5 };
    // @ts-expect-error not a UserProfileItem key
    const unknownKey: UserProfileItem = { nick_name: 'x' };
    // @ts-expect-error not a TIMGenderType
    const wrongEnum: UserProfileItem = { [kTIMUserProfileItemGender]: 7 };
    const logined: TIMLoginStatus.kTIMLoginStatus_Logined = TIMLoginStatus.kTIMLoginStatus_Logined;
    // @ts-expect-error 7 is not a TIMLoginStatus
    const notStatus: TIMLoginStatus = 7;
    const net: NetworkStatusEvent = { status: TIMNetworkStatus.kTIMConnected, code: 0, desc: '' };
    expect(item[kTIMUserProfileItemLocation]).toBe('deprecated alias, same key');
    expect([wrongType, unknownKey, wrongEnum, logined, notStatus, net]).toHaveLength(6);
  });

  test('the package root exports the client, errors, constants and UserSig helpers', () => {
    expect(pkg.TIMClient).toBe(TIMClient);
    expect(pkg.TIMError).toBe(TIMError);
    expect(pkg.kTIMUserProfileItemNickName).toBe('user_profile_item_nick_name');
    expect(pkg.TIMLoginStatus.kTIMLoginStatus_Logined).toBe(1);
    expect(typeof pkg.genUserSig).toBe('function');
    expect(typeof pkg.verifyUserSig).toBe('function');
    expect(typeof pkg.UserSigError).toBe('function');
  });
});

describe('TIMClient: construction and validation', () => {
  test('bad options are a TypeError', () => {
    expect(() => new TIMClient({ sdkpath: 'x' } as never)).toThrow(/unknown key "sdkpath"/);
    expect(() => new TIMClient({ maxInFlight: 0 })).toThrow(TypeError);
    expect(() => new TIMClient({ maxInFlight: 1.5 })).toThrow(/maxInFlight must be an integer/);
    expect(() => new TIMClient({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => new TIMClient({ sdkPath: 5 } as never)).toThrow(/sdkPath must be a string, got number 5/);
    expect(() => new TIMClient({ logToConsole: 'yes' } as never)).toThrow(/logToConsole must be a boolean/);
    expect(() => new TIMClient({ errorStacks: true } as never)).toThrow(/options.errorStacks must be one of "async", "call-site", "none", got boolean true/);
    expect(() => new TIMClient(null as never)).toThrow(/options must be an object, got null/);
  });

  test('an emulator address that is not HOST:PORT is named at construction (option, TIM_EMULATOR_HOST) and at init (config)', () => {
    expect(() => new TIMClient({ emulator: 'not an address' })).toThrow(new TypeError('options.emulator must be HOST:PORT, got "not an address"'));
    expect(() => new TIMClient({ emulator: '127.0.0.1:70000' })).toThrow(/options.emulator must be HOST:PORT/);
    expect(() => new TIMClient({ emulator: 9400 } as never)).toThrow(/options.emulator must be a string, got number 9400/);
    const saved = process.env.TIM_EMULATOR_HOST;
    try {
      process.env.TIM_EMULATOR_HOST = 'localhost';
      expect(() => new TIMClient()).toThrow(new TypeError('TIM_EMULATOR_HOST must be HOST:PORT, got "localhost"'));
      // The option wins over the variable; a vendor library never reads it.
      expect(new TIMClient({ emulator: '[::1]:9400' }).sdkPath).toBe('embedded-emulator');
    } finally {
      if (saved === undefined) delete process.env.TIM_EMULATOR_HOST;
      else process.env.TIM_EMULATOR_HOST = saved;
    }
    const c = client();
    expect(() => c.init(APP_ID, { tim_native_emulator_address: 'nowhere' })).toThrow(/config.tim_native_emulator_address must be HOST:PORT, got "nowhere"/);
    expect(c.isInitialised).toBe(false);
  });

  test('a library that does not exist is a clear Error naming it', () => {
    const missing = path.join(dataDir, 'no-such-library.so');
    expect(() => new TIMClient({ sdkPath: missing })).toThrow(new RegExp(missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  });

  test('sdkVersion works before init, on the embedded and the standalone emulator', () => {
    const embedded = client();
    expect(embedded.sdkVersion).toMatch(/\S/);
    expect(embedded.sdkPath).toBe('embedded-emulator');
    expect(embedded.isInitialised).toBe(false);
    const lib = emulatorLibraryPath();
    expect(existsSync(lib)).toBe(true);
    const standalone = client({ sdkPath: lib });
    expect(standalone.sdkVersion).toBe(embedded.sdkVersion);
  });

  test('init refuses bad sdkAppIds and config with a TypeError', () => {
    const c = client();
    expect(() => c.init(-1)).toThrow(/sdkAppId must be a non-negative integer, got number -1/);
    expect(() => c.init(1.5)).toThrow(TypeError);
    expect(() => c.init(2 ** 53)).toThrow(/pass a bigint/);
    expect(() => c.init(2n ** 64n)).toThrow(/uint64 range/);
    expect(() => c.init(-1n)).toThrow(/uint64 range/);
    expect(() => c.init('1400000001' as never)).toThrow(/number or a bigint/);
    expect(() => c.init(APP_ID, { bogus: 1 } as never)).toThrow(/unknown key "bogus"/);
    expect(() => c.init(APP_ID, { sdk_config_log_file_path: 5 } as never)).toThrow(/sdk_config_log_file_path must be a string/);
    expect(() => c.init(APP_ID, { sdk_config_log_file_path: 'a\0b' })).toThrow(/NUL/);
    expect(c.isInitialised).toBe(false);
  });

  test('a bad argument rejects (never throws) with a TypeError carrying the call-site stack', async () => {
    const c = client();
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = c.getUserStatus('u1' as never);
    }).not.toThrow();
    const err = await rejection(promise!);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('userIds must be an array of strings, got string "u1"');
    expect(err.stack).toContain(THIS_FILE);
    expect(err.stack).not.toContain(`lib${path.sep}validate.ts`);
  });

  test.each<[string, (c: TIMClient) => Promise<unknown>, RegExp]>([
    ['non-string id', (c) => c.getUserStatus(['a', 2 as never]), /userIds\[1\] must be a string, got number 2/],
    ['non-array ids', (c) => c.subscribeUserStatus({} as never), /userIds must be an array of strings, got an object/],
    ['NUL byte', (c) => c.login('al\0ice', 'sig'), /userId must not contain a NUL character \(found at index 2\)/],
    ['lone surrogate', (c) => c.setSelfStatus('ok\uD83D'), /status is not valid UTF-16: lone surrogate at index 2/],
    ['non-string sig', (c) => c.login('alice', undefined as never), /userSig must be a string, got undefined/],
    ['status object with another key', (c) => c.setSelfStatus({ [kTIMUserStatusCustomStatus]: 'x', other: 1 } as never), /unknown key "other"/],
    ['unknown profile key', (c) => c.modifySelfUserProfile({ user_profile_nick_name: 'x' } as never), /unknown key "user_profile_nick_name"; valid keys: /],
    ['wrong profile value type', (c) => c.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 5 } as never), /user_profile_item_nick_name must be a string/],
    ['uint32 out of range', (c) => c.modifySelfUserProfile({ user_profile_item_level: -1 }), /user_profile_item_level must be an integer from 0 to 4294967295/],
    ['custom string without value', (c) => c.modifySelfUserProfile({ user_profile_item_custom_string_array: [{ user_profile_custom_string_info_key: 'k' } as never] }), /user_profile_custom_string_info_value must be a string/],
    ['profile param neither array nor object', (c) => c.getUserProfileList('alice' as never), /param must be an array of user ids or a GetUserProfileListParam/],
    ['profile param force_update not boolean', (c) => c.getUserProfileList({ friendship_getprofilelist_param_identifier_array: [], friendship_getprofilelist_param_force_update: 1 as never }), /force_update must be a boolean/],
    ['unsubscribe with a string', (c) => c.unsubscribeUserStatus('alice' as never), /userIds must be an array/],
  ])('%s is a TypeError', async (_label, call, message) => {
    const err = await rejection(call(client()));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(message);
  });
});

describe('TIMClient: lifecycle against the emulator backend', () => {
  test('before init every call rejects with TIMError 6013, with the call-site stack', async () => {
    const err = await rejection(client().getUserStatus(['u1']));
    expect(err).toBeInstanceOf(TIMError);
    expect(err).toMatchObject({ code: 6013, api: 'TIMGetUserStatus', name: 'TIMError' });
    expect(err.message).toMatch(/^TIMGetUserStatus failed with 6013 ERR_SDK_NOT_INITIALIZED: /);
    expect(err.stack).toMatch(/^TIMError: TIMGetUserStatus failed with 6013/);
    expect(err.stack).toContain(THIS_FILE);
  });

  test('the stack of a failed call is one frame of tim-native, then the async functions awaiting it', async () => {
    async function awaitHere(c: TIMClient): Promise<void> {
      await c.getUserStatus(['u1']);
    }
    const err = (await rejection(awaitHere(client()))) as TIMError;
    const lines = (err.stack ?? '').split('\n');
    expect(lines[0]).toBe(`TIMError: ${err.message}`);
    expect(lines[1]).toMatch(/^ {4}at finishCall \(.*lib[\\/]call-pipeline\.ts:\d+:\d+\)$/);
    // V8 prints "at async awaitHere"; jest's source-map support drops the "async ".
    expect(lines[2]).toMatch(/^ {4}at (async )?awaitHere \(.*client\.test\.ts:\d+:\d+\)$/);
    expect(err.stack?.match(/lib[\\/](client|call-pipeline|client-params|errors)\.ts/g)).toHaveLength(1);
    expect(Object.keys(err)).toEqual(expect.arrayContaining(['code', 'desc', 'api']));
  });

  test('errorStacks "call-site" gives the synchronous call site, even in a function that only returns the promise', async () => {
    const callHere = (c: TIMClient): Promise<unknown> => c.getUserStatus(['u1']);
    const err = (await rejection(callHere(client({ errorStacks: 'call-site' })))) as TIMError;
    const lines = (err.stack ?? '').split('\n');
    expect(lines[0]).toBe(`TIMError: ${err.message}`);
    expect(lines[1]).toMatch(/^ {4}at callHere \(.*client\.test\.ts:\d+:\d+\)$/);
    expect(err.stack).not.toMatch(/lib[\\/](client|call-pipeline|client-params|errors)\.ts/);
    expect(err).toMatchObject({ code: 6013, api: 'TIMGetUserStatus', name: 'TIMError' });
  });

  test('errorStacks "none" gives the same TIMError without stack frames, even when awaited', async () => {
    async function awaitHere(c: TIMClient): Promise<void> {
      await c.getUserStatus(['u1']);
    }
    const err = (await rejection(awaitHere(client({ errorStacks: 'none' })))) as TIMError;
    expect(err).toBeInstanceOf(TIMError);
    expect(err).toMatchObject({ code: 6013, api: 'TIMGetUserStatus', name: 'TIMError' });
    expect(err.stack).toBe(`TIMError: ${err.message}`);
    // A bad argument still rejects with a TypeError that starts at the call.
    const bad = await rejection(client({ errorStacks: 'none' }).getUserStatus('u1' as never));
    expect(bad).toBeInstanceOf(TypeError);
    expect(bad.stack).toContain(THIS_FILE);
  });

  test('by default, a call no async function awaits (only then()) fails with only the frame of tim-native', async () => {
    const err = await new Promise<TIMError>((resolve, reject) => {
      client()
        .getUserStatus(['u1'])
        .then(() => reject(new Error('expected a rejection')), resolve);
    });
    expect(err).toBeInstanceOf(TIMError);
    expect(err).toMatchObject({ code: 6013, api: 'TIMGetUserStatus', name: 'TIMError' });
    const lines = (err.stack ?? '').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {4}at finishCall \(.*lib[\\/]call-pipeline\.ts:\d+:\d+\)$/);
  });

  test('init uses and creates the per-user folders, then all six methods reject with 6014', async () => {
    const c = client();
    c.init(BigInt(APP_ID));
    expect(c.isInitialised).toBe(true);
    const dirs = defaultSdkDirs(BigInt(APP_ID));
    expect(dirs.config.startsWith(dataBaseDir())).toBe(true);
    expect(existsSync(dirs.config) && existsSync(dirs.log)).toBe(true);
    expect(c.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_UnLogined);
    expect(c.loginUserId()).toBe('');
    const calls: Array<[string, Promise<unknown>]> = [
      ['TIMProfileGetUserProfileList', c.getUserProfileList(['u1'])],
      ['TIMProfileModifySelfUserProfile', c.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'n' })],
      ['TIMGetUserStatus', c.getUserStatus(['u1'])],
      ['TIMSetSelfStatus', c.setSelfStatus('busy')],
      ['TIMSubscribeUserStatus', c.subscribeUserStatus(['u1'])],
      ['TIMUnsubscribeUserStatus', c.unsubscribeUserStatus()],
    ];
    for (const [api, promise] of calls) {
      const err = await rejection(promise);
      expect({ api, code: (err as TIMError).code, isTIMError: err instanceof TIMError }).toEqual({ api, code: 6014, isTIMError: true });
      expect((err as TIMError).api).toBe(api);
    }
  });

  test('config folders that are given are created', () => {
    const c = client();
    const configDir = path.join(dataDir, 'given', 'config');
    const logDir = path.join(dataDir, 'given', 'log');
    c.init(APP_ID, { sdk_config_config_file_path: configDir, sdk_config_log_file_path: logDir });
    expect(existsSync(configDir) && existsSync(logDir)).toBe(true);
  });

  test('init twice, or a second client on the same library, is refused; uninit is idempotent', () => {
    const a = client();
    a.init(APP_ID);
    expect(() => a.init(APP_ID)).toThrow(/already initialised/);
    const b = client();
    expect(() => b.init(APP_ID)).toThrow(/another TIMClient of this thread has initialised/);
    a.uninit();
    a.uninit();
    expect(a.isInitialised).toBe(false);
    b.init(APP_ID);
    expect(b.isInitialised).toBe(true);
  });

  test('an answer the library reports as success but that is not valid JSON rejects with 6027, in every errorStacks mode', async () => {
    const garbler = await garbledStatusServer('[{"user_status_identifier":');
    try {
      for (const errorStacks of ['async', 'none', 'call-site'] as const) {
        const c = client({ emulator: garbler.address, errorStacks });
        c.init(APP_ID);
        await c.login('alice', 'sig');
        async function awaitHere(): Promise<void> {
          await c.getUserStatus(['u1']);
        }
        const err = (await rejection(awaitHere())) as TIMError;
        expect(err).toBeInstanceOf(TIMError);
        expect(err).toMatchObject({ code: TIMErrorCode.ERR_INVALID_JSON, api: 'TIMGetUserStatus' });
        expect(err.desc).toMatch(/^could not parse the library's answer: /);
        expect(err.message).toContain(err.desc);
        if (errorStacks === 'none') expect(err.stack).toBe(`TIMError: ${err.message}`);
        else expect(err.stack).toContain(THIS_FILE);
        c.uninit();
      }
    } finally {
      garbler.close();
    }
  });

  test('uninit() settles every pending call at once with TIMError 7009', async () => {
    const hole = await blackhole();
    try {
      const c = client({ emulator: hole.address, maxInFlight: 1 });
      c.init(APP_ID);
      const login = c.login('alice', 'sig');
      const queued = c.getUserStatus(['u1']); // waits behind the login (maxInFlight 1)
      let settled = false;
      void login.catch(quiet).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      expect(c.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_Logining);
      c.uninit();
      // "At once": both settle before the event loop's next turn (a setImmediate queued right
      // after uninit()), so neither waited for the network, a timer or the library.
      const both = Promise.all([rejection(login), rejection(queued)]);
      const nextTurn = new Promise<'next turn'>((r) => setImmediate(() => r('next turn')));
      expect(await Promise.race([both.then(() => 'settled' as const), nextTurn])).toBe('settled');
      const [loginErr, queuedErr] = await both;
      expect(loginErr).toMatchObject({ code: 7009, api: 'TIMLogin' });
      expect(queuedErr).toMatchObject({ code: 7009, api: 'TIMGetUserStatus' });
      // Only awaited (login also has a .catch), so V8 can follow its awaiters back to this file.
      expect(queuedErr.stack).toContain(THIS_FILE);
      expect(loadAddon().load().pendingCalls()).toBe(0);
    } finally {
      hole.close();
    }
  });
});

describe('TIMClient: in-flight limit and timeouts', () => {
  test('calls beyond maxInFlight wait, then go in FIFO order', async () => {
    const raw = loadAddon().load();
    const c = client({ maxInFlight: 3 });
    const calls = Array.from({ length: 30 }, (_, i) => c.getUserStatus([`u${i}`]));
    expect(raw.pendingCalls()).toBeLessThanOrEqual(3);
    const errors = await Promise.all(calls.map(rejection));
    expect(errors.every((e) => (e as TIMError).code === 6013)).toBe(true);

    const one = client({ maxInFlight: 1 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => one.getUserStatus([`u${i}`]).catch(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('timeoutMs rejects with 6012; the late call keeps its slot until uninit()', async () => {
    const hole = await blackhole();
    try {
      const raw = loadAddon().load();
      const c = client({ emulator: hole.address, maxInFlight: 1, timeoutMs: 100 });
      c.init(APP_ID);
      // Not at once: a timer of half the timeout, started first, fires before the rejection.
      const order: string[] = [];
      setTimeout(() => order.push('half of timeoutMs'), 50);
      const loginErr = await rejection(c.login('alice', 'sig'));
      order.push('rejected');
      expect(order).toEqual(['half of timeoutMs', 'rejected']);
      expect(loginErr).toMatchObject({ code: 6012, api: 'TIMLogin' });
      expect(loginErr.message).toMatch(/ERR_REQUEST_TIME_OUT: no answer within 100 ms/);
      expect(raw.pendingCalls()).toBe(1); // the library still has the login
      // The only slot is still taken by the login: this call times out without being sent.
      const queuedErr = await rejection(c.getUserStatus(['u1']));
      expect(queuedErr).toMatchObject({ code: 6012, api: 'TIMGetUserStatus' });
      expect(raw.pendingCalls()).toBe(1);
      c.uninit();
      expect(raw.pendingCalls()).toBe(0);

      // Same API and code, another description: the message is this failure's own.
      const slower = client({ emulator: hole.address, timeoutMs: 150 });
      slower.init(APP_ID);
      const slowerErr = await rejection(slower.login('alice', 'sig'));
      expect(slowerErr).toMatchObject({ code: 6012, api: 'TIMLogin', desc: 'no answer within 150 ms' });
      expect(slowerErr.message).toBe('TIMLogin failed with 6012 ERR_REQUEST_TIME_OUT: no answer within 150 ms');
    } finally {
      hole.close();
    }
  });
});

describe('TIMClient: against a running emulator', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, sdkAppId: APP_ID, log: quiet });
  });
  afterAll(async () => {
    await emu.close();
  });

  test('login, profiles, status, events, logout', async () => {
    const c = client({ emulator: emu.address });
    const network: NetworkStatusEvent[] = [];
    c.on('networkStatus', (e) => network.push(e));
    c.init(APP_ID);
    await c.login('alice', emu.genUserSig('alice'));
    expect(c.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_Logined);
    expect(c.loginUserId()).toBe('alice');
    expect(network.some((e) => e.status === TIMNetworkStatus.kTIMConnected)).toBe(true);
    expect(Math.abs(c.serverTime() - Date.now() / 1000)).toBeLessThan(60);

    const updated = waitFor<UserProfile>(c, 'selfInfoUpdated');
    await c.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'Alice', [kTIMUserProfileItemGender]: TIMGenderType.kTIMGenderType_Female });
    expect((await updated)[kTIMUserProfileNickName]).toBe('Alice');

    const [profile] = await c.getUserProfileList(['alice']);
    expect(profile).toMatchObject({ user_profile_identifier: 'alice', user_profile_nick_name: 'Alice', user_profile_gender: 2 });
    const viaParam = await c.getUserProfileList({ friendship_getprofilelist_param_identifier_array: ['alice'] });
    expect(viaParam).toEqual([profile]);

    await c.setSelfStatus('busy');
    const [self] = await c.getUserStatus(['alice']);
    expect(self).toMatchObject({ [kTIMUserStatusIdentifier]: 'alice', [kTIMUserStatusCustomStatus]: 'busy' });
    await c.subscribeUserStatus(['bob']);
    await c.unsubscribeUserStatus(['bob']);
    await c.unsubscribeUserStatus();

    await c.logout();
    expect(c.loginStatus()).toBe(TIMLoginStatus.kTIMLoginStatus_UnLogined);
  });

  test('a 2 MB argument crosses and gets the library\'s own code (9522, packet over 1 MB)', async () => {
    const c = client({ emulator: emu.address });
    c.init(APP_ID);
    await c.login('erin', emu.genUserSig('erin'));
    const big = 'x'.repeat(2 * 1024 * 1024);
    expect(await rejection(c.getUserStatus([big]))).toMatchObject({ code: TIMErrorCode.ERR_SDK_NET_PKG_SIZE_LIMIT });
    expect(await rejection(c.setSelfStatus(big))).toMatchObject({ code: TIMErrorCode.ERR_SDK_NET_PKG_SIZE_LIMIT });
    const [self] = await c.getUserStatus(['erin']);
    expect(self).toMatchObject({ [kTIMUserStatusIdentifier]: 'erin' });
  });

  test('a login elsewhere emits kickedOffline; later calls reject with 6014', async () => {
    const c = client({ emulator: emu.address });
    c.init(APP_ID);
    await c.login('carol', emu.genUserSig('carol'));
    const kicked = waitFor<undefined>(c, 'kickedOffline');
    kicked.catch(quiet); // awaited below; this only keeps a failure from going unhandled
    const other = await ProtocolClient.connect(emu.address, { sdkAppId: APP_ID });
    try {
      expect((await other.login('carol', emu.genUserSig('carol'))).code).toBe(0);
      await kicked;
      expect(await rejection(c.getUserStatus(['carol']))).toMatchObject({ code: 6014 });
    } finally {
      await other.close();
    }
  });

  // TIMManager.h, the note on TIMSetKickedOfflineCallback: a device that quit without logging out
  // and whose place another device took fails its next login with 6208
  // (ERR_LOGIN_KICKED_OFF_BY_OTHER); logging in once more forces it on and kicks the other. The
  // device is the SDK data folder (kTIMSdkConfigConfigFilePath).
  test('kicked while offline: the next login rejects with 6208, the one after forces the device on and kicks the other', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'tim-device-'));
    const config = { [C.kTIMSdkConfigConfigFilePath]: folder, [C.kTIMSdkConfigLogFilePath]: folder };
    const watcher = await ProtocolClient.connect(emu.address, { sdkAppId: APP_ID, device: 'watcher' });
    const other = await ProtocolClient.connect(emu.address, { sdkAppId: APP_ID, device: 'another-linux-device', platform: 'Linux' });
    try {
      expect((await watcher.login('watcher', emu.genUserSig('watcher'))).code).toBe(0);
      expect((await watcher.subscribe(['gina'])).code).toBe(0);
      const c = client({ emulator: emu.address });
      c.init(APP_ID, config);
      await c.login('gina', emu.genUserSig('gina'));
      c.uninit(); // quits without logging out: the user goes Offline
      await watcher.nextPush(PushEvent.UserStatusChanged, (p) => p.json.includes('"user_status_status_type":2'));
      expect((await other.login('gina', emu.genUserSig('gina'))).code).toBe(0);

      c.init(APP_ID, config);
      expect(await rejection(c.login('gina', emu.genUserSig('gina')))).toMatchObject({ code: 6208, api: 'TIMLogin' });
      await c.login('gina', emu.genUserSig('gina'));
      await other.nextPush(PushEvent.KickedOffline);
      c.uninit();
    } finally {
      await watcher.close();
      await other.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('listeners are per event and once() fires once', async () => {
    const c = client({ emulator: emu.address });
    c.init(APP_ID);
    await c.login('dave', emu.genUserSig('dave'));
    const seen: UserProfile[] = [];
    const first = waitFor(c, 'selfInfoUpdated');
    c.once('selfInfoUpdated', (p) => seen.push(p));
    const statuses: UserStatus[][] = [];
    const onStatus = (s: UserStatus[]): void => void statuses.push(s);
    c.on('userStatusChanged', onStatus);
    c.off('userStatusChanged', onStatus);
    await c.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'D1' });
    await first;
    // The D2 event itself is the marker: once it has arrived, the once-listener has had its chance.
    const second = waitFor<UserProfile>(c, 'selfInfoUpdated', (p) => p[kTIMUserProfileNickName] === 'D2');
    await c.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'D2' });
    await second;
    expect(seen.map((p) => p[kTIMUserProfileNickName])).toEqual(['D1']);
    expect(c.listenerCount('selfInfoUpdated')).toBe(0);
    expect(c.listenerCount('userStatusChanged')).toBe(0);
  });

  test('listeners added after removeAllListeners() (which drops the client\'s own hooks too) still hear events', async () => {
    const c = client({ emulator: emu.address });
    c.on('selfInfoUpdated', quiet);
    c.init(APP_ID);
    await c.login('fay', emu.genUserSig('fay'));
    c.removeAllListeners();
    expect(c.listenerCount('newListener') + c.listenerCount('removeListener')).toBe(2);
    const heard = waitFor<UserProfile>(c, 'selfInfoUpdated', (p) => p[kTIMUserProfileNickName] === 'F1');
    await c.modifySelfUserProfile({ [kTIMUserProfileItemNickName]: 'F1' });
    expect((await heard)[kTIMUserProfileNickName]).toBe('F1');
  });
});
