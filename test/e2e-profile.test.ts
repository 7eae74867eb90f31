/**
 * End to end, separate processes: profiles. Alice changes her profile from her process, Bob reads
 * it from his; limits (9001) and refusals (TypeError in TIMClient, 6017 from the server for the
 * raw JSON) change nothing.
 */
import { startEmulator, type Emulator } from '../lib/emulator';
import { skipOrFail } from './helpers/isolate';
import { e2ePrerequisiteProblem, Peer, stopAllPeers } from './helpers/e2e-peer';

const problem = e2ePrerequisiteProblem();
const mode = skipOrFail('e2e-profile', problem);
const suite = mode === 'skip' ? describe.skip : describe;
if (mode === 'fail') {
  test('prerequisites of the e2e suites', () => {
    throw new Error(problem);
  });
}

type Profile = Record<string, unknown>;

const KEY = 'user_profile_custom_string_info_key';
const VALUE = 'user_profile_custom_string_info_value';
const custom = (key: string, value: string): Record<string, string> => ({ [KEY]: key, [VALUE]: value });

let emu: Emulator;
/** Alice's profile as it should read now. */
let aliceNow: Profile;
let alice: Peer;
let bob: Peer;

async function loggedIn(userId: string): Promise<Peer> {
  const peer = await Peer.spawn(userId, emu.address);
  await peer.ok('login', userId, emu.genUserSig(userId));
  return peer;
}

/** Alice's profile as Bob reads it, custom fields sorted by key. */
async function aliceSeenByBob(): Promise<Profile> {
  const [p] = await bob.ok<Profile[]>('getUserProfileList', ['alice']);
  return normalise(p!);
}

function normalise(p: Profile): Profile {
  const list = [...((p['user_profile_custom_string_array'] as Array<Record<string, string>> | undefined) ?? [])];
  list.sort((a, b) => a[KEY]!.localeCompare(b[KEY]!));
  return { ...p, user_profile_custom_string_array: list };
}

const ALICE_ITEM = {
  user_profile_item_nick_name: 'Alice 爱丽丝',
  user_profile_item_gender: 2,
  user_profile_item_face_url: 'https://example.com/alice.png',
  user_profile_item_self_signature: 'hello from alice',
  user_profile_item_add_permission: 2,
  user_profile_item_location: 'Shenzhen',
  user_profile_item_language: 2052,
  user_profile_item_birthday: 19900101,
  user_profile_item_level: 7,
  user_profile_item_role: 3,
  user_profile_item_custom_string_array: [custom('Tag_Profile_Custom_Hobby', 'chess'), custom('Mood', 'calm')],
};

const ALICE_PROFILE: Profile = {
  user_profile_identifier: 'alice',
  user_profile_nick_name: 'Alice 爱丽丝',
  user_profile_gender: 2,
  user_profile_face_url: 'https://example.com/alice.png',
  user_profile_self_signature: 'hello from alice',
  user_profile_add_permission: 2,
  user_profile_location: 'Shenzhen',
  user_profile_language: 2052,
  user_profile_birthday: 19900101,
  user_profile_level: 7,
  user_profile_role: 3,
  user_profile_custom_string_array: [custom('Tag_Profile_Custom_Hobby', 'chess'), custom('Tag_Profile_Custom_Mood', 'calm')],
  user_profile_friend_remark: '',
};

suite('e2e: profiles', () => {
  beforeAll(async () => {
    // The custom profile fields the suite writes, registered as in the console.
    emu = await startEmulator({ port: 0, log: () => undefined, customFields: { profile: ['Hobby', 'Mood', 'Abcdefgh'] } });
    [alice, bob] = await Promise.all([loggedIn('alice'), loggedIn('bob')]);
    // TIMManager.h, the note on TIMSetUserInfoChangedCallback: userInfoChanged comes only for users
    // subscribed with TIMSubscribeUserInfo.
    await bob.ok('subscribeUserInfo', ['alice']);
    aliceNow = ALICE_PROFILE;
  });
  afterAll(async () => {
    await stopAllPeers();
    await emu?.close();
  });

  test('several fields at once, custom keys with and without the prefix: selfInfoUpdated, and Bob reads them', async () => {
    const aliceMark = alice.mark();
    const bobMark = bob.mark();
    await alice.ok('modifySelfUserProfile', ALICE_ITEM);

    const self = await alice.waitEvent('selfInfoUpdated', () => true, { since: aliceMark });
    expect(normalise(self.args[0] as Profile)).toEqual(ALICE_PROFILE);
    const changed = await bob.waitEvent('userInfoChanged', () => true, { since: bobMark });
    expect((changed.args[0] as Profile[]).map(normalise)).toEqual([ALICE_PROFILE]);

    expect(await aliceSeenByBob()).toEqual(ALICE_PROFILE);
    // Only the modifier gets selfInfoUpdated.
    expect(bob.eventsOf('selfInfoUpdated', bobMark)).toEqual([]);

    // Changing one field keeps the others; a custom key set again is replaced, not duplicated.
    await alice.ok('modifySelfUserProfile', {
      user_profile_item_level: 8,
      user_profile_item_custom_string_array: [custom('Hobby', 'go')],
    });
    expect(await aliceSeenByBob()).toEqual({
      ...ALICE_PROFILE,
      user_profile_level: 8,
      user_profile_custom_string_array: [custom('Tag_Profile_Custom_Hobby', 'go'), custom('Tag_Profile_Custom_Mood', 'calm')],
    });
    await alice.ok('modifySelfUserProfile', { user_profile_item_custom_string_array: [custom('Hobby', 'chess')] });
    await alice.ok('modifySelfUserProfile', { user_profile_item_level: 7 });
  });

  test('getUserProfileList: anyone including yourself, unknown users left out, in the order asked', async () => {
    const list = await bob.ok<Profile[]>('getUserProfileList', ['nobody', 'alice', 'bob', 'ghost', 'alice']);
    expect(list.map((p) => p['user_profile_identifier'])).toEqual(['alice', 'bob']);
    expect(normalise(list[0]!)).toEqual(ALICE_PROFILE);
    expect(list[1]).toMatchObject({ user_profile_identifier: 'bob', user_profile_nick_name: '', user_profile_custom_string_array: [] });
    // The object form of the parameter, and Alice reading herself.
    const mine = await alice.ok<Profile[]>('getUserProfileList', {
      friendship_getprofilelist_param_identifier_array: ['alice'],
      friendship_getprofilelist_param_force_update: true,
    });
    expect(mine.map(normalise)).toEqual([ALICE_PROFILE]);
    // 100 ids is a recommendation, not a limit: "userIDList 建议一次最大 100 个，因为数量过多可能会导致数据包
    // 太大被后台拒绝，后台限制数据包最大为 1M" (V2TIMManager getUsersInfo, Tencent's SDK reference).
    const many = [...Array.from({ length: 150 }, (_, i) => `u${i}`), 'alice'];
    const answered = await bob.ok<Profile[]>('getUserProfileList', many);
    expect(answered.map((p) => p['user_profile_identifier'])).toEqual(['alice']);
  });

  test('limits give 9001 and change nothing, even for the valid fields of the same call', async () => {
    const mark = alice.mark();
    const refused: Array<[string, Record<string, unknown>]> = [
      ['custom key over 8 bytes', { user_profile_item_custom_string_array: [custom('Toolongkey', 'x')] }],
      ['custom key over 8 bytes with prefix', { user_profile_item_custom_string_array: [custom('Tag_Profile_Custom_Toolongkey', 'x')] }],
      ['custom key with a digit', { user_profile_item_custom_string_array: [custom('Tag_Profile_Custom_abc1', 'x')] }],
      ['custom key with an underscore', { user_profile_item_custom_string_array: [custom('ab_c', 'x')] }],
      ['empty custom key', { user_profile_item_custom_string_array: [custom('', 'x')] }],
      ['custom value over 500 bytes', { user_profile_item_custom_string_array: [custom('Hobby', 'v'.repeat(501))] }],
      ['custom value over 500 bytes (UTF-8)', { user_profile_item_custom_string_array: [custom('Hobby', 'é'.repeat(251))] }],
      ['nick over 500 bytes', { user_profile_item_nick_name: 'n'.repeat(501) }],
      ['signature over 500 bytes', { user_profile_item_self_signature: 's'.repeat(501) }],
      ['face url over 500 bytes', { user_profile_item_face_url: 'f'.repeat(501) }],
      [
        'a good nick with a bad custom key',
        { user_profile_item_nick_name: 'Changed', user_profile_item_custom_string_array: [custom('bad key', 'x')] },
      ],
    ];
    for (const [what, item] of refused) {
      const err = await alice.fails('modifySelfUserProfile', item);
      expect({ what, code: err.code }).toEqual({ what, code: 9001 });
    }
    expect(await aliceSeenByBob()).toEqual(ALICE_PROFILE);

    // Exactly at the limits is fine (then put back).
    await alice.ok('modifySelfUserProfile', {
      user_profile_item_nick_name: 'n'.repeat(500),
      user_profile_item_custom_string_array: [custom('Abcdefgh', 'v'.repeat(500))],
    });
    const atLimit = await aliceSeenByBob();
    expect(atLimit['user_profile_nick_name']).toBe('n'.repeat(500));
    expect(atLimit['user_profile_custom_string_array']).toContainEqual(custom('Tag_Profile_Custom_Abcdefgh', 'v'.repeat(500)));
    // Only the accepted call raised selfInfoUpdated (the refused ones came before it, in order).
    await alice.waitEvent('selfInfoUpdated', (p: Profile) => p['user_profile_nick_name'] === 'n'.repeat(500), { since: mark });
    expect(alice.eventsOf('selfInfoUpdated', mark)).toHaveLength(1);
    await alice.ok('modifySelfUserProfile', {
      user_profile_item_nick_name: ALICE_ITEM.user_profile_item_nick_name,
      user_profile_item_custom_string_array: [custom('Abcdefgh', '')],
    });
    // A custom field once set stays in the profile, now empty.
    aliceNow = {
      ...ALICE_PROFILE,
      user_profile_custom_string_array: [
        custom('Tag_Profile_Custom_Abcdefgh', ''),
        ...(ALICE_PROFILE['user_profile_custom_string_array'] as object[]),
      ],
    };
    expect(await aliceSeenByBob()).toEqual(aliceNow);
  });

  test('unknown keys and wrong types: TIMClient refuses them (TypeError), the server too (6017); nothing changes', async () => {
    // Stop at the TypeScript layer, before anything is sent.
    for (const item of [
      { user_profile_item_unknown: 'x' },
      { user_profile_item_nick_name: 42 },
      { user_profile_item_level: -1 },
      { user_profile_item_gender: 9 },
      { user_profile_item_custom_string_array: 'Hobby=chess' },
      { user_profile_item_custom_string_array: [{ [KEY]: 'Hobby', [VALUE]: 5 }] },
    ]) {
      const err = await alice.fails('modifySelfUserProfile', item);
      expect({ item, name: err.name }).toEqual({ item, name: 'TypeError' });
    }
    // The same mistakes as raw JSON through the same library reach the server: 6017.
    for (const json of [
      '{"user_profile_item_unknown":"x"}',
      '{"user_profile_item_nick_name":42,"user_profile_item_level":1}',
      '{"user_profile_item_level":"8"}',
      '{"user_profile_item_level":-1}',
      '{"user_profile_item_gender":3}',
      '{"user_profile_item_add_permission":4}',
      '{"user_profile_item_custom_string_array":"Hobby"}',
      `{"user_profile_item_custom_string_array":[{"${KEY}":"Hobby","${VALUE}":5}]}`,
      '{"user_profile_item_nick_name":"Changed","user_profile_item_role":true}',
      '{}',
      '[]',
      '"alice"',
    ]) {
      const r = await alice.raw('TIMProfileModifySelfUserProfile', json);
      expect({ json, result: r.result, code: r.code }).toEqual({ json, result: 0, code: 6017 });
    }
    expect(await aliceSeenByBob()).toEqual(aliceNow);
  });

  // The service knows only the custom fields declared in the console (https://cloud.tencent.com/document/
  // product/269/1500: "App 管理员可以通过即时通信 IM 控制台 > 应用配置 > 功能配置 申请自定义资料字段"); any other is
  // 40009, "资料字段的 Tag 不存在" (TIMErrorCode.h, ERR_SVR_PROFILE_TAG_NOT_FOUND), passed on to the callback.
  test('a custom key the app did not register is 40009 and changes nothing; once registered it works', async () => {
    expect(await bob.code('modifySelfUserProfile', { user_profile_item_nick_name: 'Bobby?', user_profile_item_custom_string_array: [custom('Keyz', 'z')] })).toBe(40009);
    const [before] = await bob.ok<Profile[]>('getUserProfileList', ['bob']);
    expect(before!['user_profile_nick_name']).toBe('');
    expect(before!['user_profile_custom_string_array']).not.toContainEqual(expect.objectContaining({ [KEY]: 'Tag_Profile_Custom_Keyz' }));
    emu.registerCustomFields({ profile: ['Keyz'] });
    await bob.ok('modifySelfUserProfile', { user_profile_item_custom_string_array: [custom('Keyz', 'z'), custom('Hobby', 'tennis')] });
    const [me] = await bob.ok<Profile[]>('getUserProfileList', ['bob']);
    expect(me!['user_profile_custom_string_array']).toEqual([custom('Tag_Profile_Custom_Hobby', 'tennis'), custom('Tag_Profile_Custom_Keyz', 'z')]);
  });
});
