/**
 * The calls that set data up (accounts, profiles, groups and members) and the paged member query:
 * documented fields, limits and codes, through RestClient and raw HTTP. Every refused call leaves
 * the database exactly as it was.
 */
import { RestError, type RestClient } from '../lib/rest';
import { expectFail, startHarness, type Harness } from './helpers/rest-harness';

let h: Harness;
let rest: RestClient;

beforeAll(async () => {
  h = await startHarness({ customFields: { profile: ['Hobby', 'Tag_Profile_Custom_Unset'], groupMember: ['level'] } });
  rest = h.client({ maxRetries: 0 });
  await rest.multiAccountImport({ Accounts: ['owner', 'm1', 'm2', 'm3', 'm4', 'm5'] });
});
afterAll(() => h.close());

/** The client refuses with `code` (before sending when the code is a validation code), raw HTTP too, nothing changes. */
async function refused(service: string, command: string, body: unknown, code: number): Promise<void> {
  const before = h.snapshot();
  const err = await rest.call(service, command, body as Record<string, never>).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RestError);
  expect(err).toMatchObject({ code, service, command });
  expectFail(await h.raw(`${service}/${command}`, JSON.stringify(body)), code);
  expect(h.snapshot()).toBe(before);
}

describe('im_open_login_svc', () => {
  test('account_import creates the account with its nick and face; importing again changes nothing', async () => {
    await rest.accountImport({ UserID: 'imported', Nick: 'First', FaceUrl: 'http://face/1' });
    expect(h.ctx.store.getProfile('imported')).toMatchObject({ nick: 'First', faceUrl: 'http://face/1' });
    const before = h.snapshot();
    await rest.accountImport({ UserID: 'imported', Nick: 'Second' });
    expect(h.snapshot()).toBe(before);
  });

  test.each([
    ['UserID missing', {}, 70402],
    ['UserID empty', { UserID: '' }, 70402],
    ['UserID longer than 32 bytes', { UserID: 'u'.repeat(33) }, 70402],
    ['UserID not ASCII', { UserID: 'jürgen' }, 70402],
    ['UserID not a string', { UserID: 12 }, 60015],
    ['Nick longer than 500 bytes', { UserID: 'fine', Nick: 'n'.repeat(501) }, 70402],
    ['FaceUrl not a string', { UserID: 'fine', FaceUrl: 1 }, 70402],
  ])('account_import refuses %s', async (_n, body, code) => {
    await refused('im_open_login_svc', 'account_import', body, code);
  });

  test('multiaccount_import lists invalid ids in FailAccounts and imports the rest', async () => {
    const r = await rest.multiAccountImport({ Accounts: ['ok1', '', 'x'.repeat(33), 'ok2'] });
    expect(r.FailAccounts).toEqual(['', 'x'.repeat(33)]);
    expect(h.ctx.store.hasAccount('ok1') && h.ctx.store.hasAccount('ok2')).toBe(true);
  });

  // https://cloud.tencent.com/document/product/269/4919 documents two request formats: the older
  // {"Accounts": ["UserID_001", ...]} and the newer {"AccountList": [{"UserID", "Nick", "FaceUrl"}, ...]};
  // https://trtc.io/document/34954: "if an account already exists, it will be updated with the new
  // parameters provided (user nickname, avatar URL, etc.)".
  test('multiaccount_import takes the newer AccountList format: nick and avatar, existing accounts updated', async () => {
    await rest.accountImport({ UserID: 'al_old', Nick: 'Before' });
    const r = await rest.multiAccountImport({
      AccountList: [
        { UserID: 'al_new', Nick: 'New', FaceUrl: 'http://face/new' },
        { UserID: 'al_old', Nick: 'After' },
        { UserID: 'x'.repeat(33), Nick: 'too long an id' },
        { UserID: 'al_bare' },
      ],
    });
    expect(r.FailAccounts).toEqual(['x'.repeat(33)]);
    expect(h.ctx.store.getProfile('al_new')).toMatchObject({ nick: 'New', faceUrl: 'http://face/new' });
    expect(h.ctx.store.getProfile('al_old')).toMatchObject({ nick: 'After' });
    expect(h.ctx.store.getProfile('al_bare')).toMatchObject({ nick: '', faceUrl: '' });
    const raw = await h.raw('im_open_login_svc/multiaccount_import', JSON.stringify({ AccountList: [{ UserID: 'al_raw', Nick: 'Raw' }] }));
    expect(raw.body).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, FailAccounts: [] });
    expect(h.ctx.store.getProfile('al_raw')).toMatchObject({ nick: 'Raw' });
  });

  test.each([
    ['both formats at once', { Accounts: ['a'], AccountList: [{ UserID: 'b' }] }, 70402],
    ['AccountList empty', { AccountList: [] }, 70402],
    ['AccountList over 100', { AccountList: Array.from({ length: 101 }, (_, i) => ({ UserID: `a${i}` })) }, 70402],
    ['an AccountList item not an object', { AccountList: ['a'] }, 70402],
    ['an AccountList item without UserID', { AccountList: [{ Nick: 'n' }] }, 70402],
    ['an AccountList UserID not a string', { AccountList: [{ UserID: 7 }] }, 60015],
    ['an AccountList Nick over 500 bytes', { AccountList: [{ UserID: 'a', Nick: 'n'.repeat(501) }] }, 70402],
  ])('multiaccount_import refuses %s', async (_n, body, code) => {
    await refused('im_open_login_svc', 'multiaccount_import', body, code);
  });

  test.each([
    ['Accounts missing', {}, 70402],
    ['Accounts empty', { Accounts: [] }, 70402],
    ['more than 100 accounts', { Accounts: Array.from({ length: 101 }, (_, i) => `a${i}`) }, 70402],
    ['an account not a string', { Accounts: ['a', null] }, 60015],
  ])('multiaccount_import refuses %s', async (_n, body, code) => {
    await refused('im_open_login_svc', 'multiaccount_import', body, code);
  });
});

describe('profile', () => {
  test('portrait_set writes the shared store; enums map by name; portrait_get reads it back', async () => {
    await rest.portraitSet({
      From_Account: 'm1',
      ProfileItem: [
        { Tag: 'Tag_Profile_IM_Nick', Value: 'Em One' },
        { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
        { Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_DenyAny' },
        { Tag: 'Tag_Profile_IM_BirthDay', Value: 19900101 },
        { Tag: 'Tag_Profile_IM_Location', Value: 'Shenzhen' },
        { Tag: 'Tag_Profile_IM_SelfSignature', Value: 'hi' },
        { Tag: 'Tag_Profile_IM_Language', Value: 2 },
        { Tag: 'Tag_Profile_IM_Image', Value: 'http://face/m1' },
        { Tag: 'Tag_Profile_IM_Level', Value: 7 },
        { Tag: 'Tag_Profile_IM_Role', Value: 9 },
        { Tag: 'Tag_Profile_IM_MsgSettings', Value: 1 },
        { Tag: 'Tag_Profile_IM_AdminForbidType', Value: 'AdminForbid_Type_SendOut' },
        { Tag: 'Tag_Profile_Custom_Hobby', Value: 'chess' },
      ],
    });
    expect(h.ctx.store.getProfile('m1')).toMatchObject({
      nick: 'Em One',
      gender: 2,
      addPermission: 3,
      birthday: 19900101,
      location: 'Shenzhen',
      selfSignature: 'hi',
      language: 2,
      faceUrl: 'http://face/m1',
      level: 7,
      role: 9,
      custom: { Tag_Profile_Custom_Hobby: 'chess' },
    });
    await rest.portraitSet({
      From_Account: 'm1',
      ProfileItem: [
        { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Male' },
        { Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_AllowAny' },
      ],
    });
    expect(h.ctx.store.getProfile('m1')).toMatchObject({ gender: 1, addPermission: 1, nick: 'Em One' });
    const r = await rest.portraitGet({
      To_Account: ['m1', 'ghost'],
      TagList: [
        'Tag_Profile_IM_Nick',
        'Tag_Profile_IM_Gender',
        'Tag_Profile_IM_AllowType',
        'Tag_Profile_IM_Level',
        'Tag_Profile_IM_MsgSettings',
        'Tag_Profile_IM_AdminForbidType',
        'Tag_Profile_Custom_Hobby',
        'Tag_Profile_Custom_Unset',
      ],
    });
    expect(r.UserProfileItem[0]).toEqual({
      To_Account: 'm1',
      ResultCode: 0,
      ResultInfo: '',
      ProfileItem: [
        { Tag: 'Tag_Profile_IM_Nick', Value: 'Em One' },
        { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Male' },
        { Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_AllowAny' },
        { Tag: 'Tag_Profile_IM_Level', Value: 7 },
        { Tag: 'Tag_Profile_IM_MsgSettings', Value: 1 },
        { Tag: 'Tag_Profile_IM_AdminForbidType', Value: 'AdminForbid_Type_SendOut' },
        { Tag: 'Tag_Profile_Custom_Hobby', Value: 'chess' },
        { Tag: 'Tag_Profile_Custom_Unset', Value: '' },
      ],
    });
    expect(r.UserProfileItem[1]).toMatchObject({ To_Account: 'ghost', ResultCode: 40003, ProfileItem: [] });
    expect(r.Fail_Account).toEqual(['ghost']);
  });

  test('portrait_get reports defaults for a fresh account', async () => {
    const r = await rest.portraitGet({
      To_Account: ['m5'],
      TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender', 'Tag_Profile_IM_AllowType', 'Tag_Profile_IM_BirthDay'],
    });
    expect(r.UserProfileItem[0]!.ProfileItem.map((i) => i.Value)).toEqual(['', 'Gender_Type_Unknown', 'AllowType_Type_NeedConfirm', 0]);
  });

  const nick = (Value: unknown) => ({ From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value }] });
  test.each([
    ['an account that does not exist', { From_Account: 'ghost', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] }, 40003],
    ['From_Account missing', { ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] }, 40001],
    ['From_Account not a string', { From_Account: 5, ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] }, 60015],
    ['ProfileItem missing', { From_Account: 'm2' }, 40001],
    ['ProfileItem empty', { From_Account: 'm2', ProfileItem: [] }, 40001],
    ['an item without Value', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick' }] }, 40001],
    ['an unknown standard tag', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_IM_Shoe', Value: 'x' }] }, 40009],
    ['a custom tag with digits', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_Custom_a1', Value: 'x' }] }, 40009],
    ['a custom tag over 8 bytes', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_Custom_abcdefghi', Value: 'x' }] }, 40009],
    ['a value over 500 bytes', nick('n'.repeat(501)), 40601],
    ['a number for a string tag', nick(5), 40001],
    ['a bad gender name', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_IM_Gender', Value: 'Male' }] }, 40605],
    ['a negative level', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_IM_Level', Value: -1 }] }, 40605],
    ['a string for a number tag', { From_Account: 'm2', ProfileItem: [{ Tag: 'Tag_Profile_IM_Level', Value: '3' }] }, 40001],
    [
      'one bad item among good ones',
      {
        From_Account: 'm2',
        ProfileItem: [
          { Tag: 'Tag_Profile_IM_Nick', Value: 'changed?' },
          { Tag: 'Tag_Profile_IM_Gender', Value: 'nope' },
        ],
      },
      40605,
    ],
  ])('portrait_set refuses %s', async (_n, body, code) => {
    await refused('profile', 'portrait_set', body, code);
  });

  // Custom profile fields are declared in the console first ("App 管理员可以通过即时通信 IM 控制台 > 应用配置 >
  // 功能配置 申请自定义资料字段", https://cloud.tencent.com/document/product/269/1500); a tag the app does not have
  // is 40009 ("资料字段的 Tag 不存在", TIMErrorCode.h ERR_SVR_PROFILE_TAG_NOT_FOUND; listed by portrait_set, 269/1640).
  test('an unregistered custom tag is 40009 on portrait_set and portrait_get; registered ones work', async () => {
    await refused('profile', 'portrait_set', { From_Account: 'm3', ProfileItem: [{ Tag: 'Tag_Profile_Custom_Nope', Value: 'v' }] }, 40009);
    await refused('profile', 'portrait_get', { To_Account: ['m3'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_Custom_Nope'] }, 40009);
    await rest.portraitSet({ From_Account: 'm3', ProfileItem: [{ Tag: 'Tag_Profile_Custom_Hobby', Value: 'chess' }] });
    const r = await rest.portraitGet({ To_Account: ['m3'], TagList: ['Tag_Profile_Custom_Hobby', 'Tag_Profile_Custom_Unset'] });
    expect(r.UserProfileItem[0]!.ProfileItem).toEqual([
      { Tag: 'Tag_Profile_Custom_Hobby', Value: 'chess' },
      { Tag: 'Tag_Profile_Custom_Unset', Value: '' },
    ]);
  });

  test('the emulator-only registration call: adds keys (prefix optional), at most 20, answers all; not via RestClient typed methods', async () => {
    const before = h.snapshot();
    const tooMany = Array.from({ length: 19 }, (_, i) => `k${'abcdefghijklmnopqrstuvwxyz'[i]}`);
    expectFail(await h.raw('tim_native_emulator/register_custom_fields', JSON.stringify({ ProfileFields: tooMany })), 40001);
    expectFail(await h.raw('tim_native_emulator/register_custom_fields', JSON.stringify({ ProfileFields: ['has1digit'] })), 40001);
    expectFail(await h.raw('tim_native_emulator/register_custom_fields', JSON.stringify({ GroupMemberFields: ['9lives'] })), 10004);
    expectFail(await h.raw('tim_native_emulator/register_custom_fields', JSON.stringify({ ProfileFields: 'Team' })), 40001);
    expect(h.snapshot()).toBe(before);
    // Without the admin's sig it is refused like any call.
    expectFail(await h.raw('tim_native_emulator/register_custom_fields', '{}', h.query({ usersig: h.sig('m1') })), 70013);
    const r = await rest.call('tim_native_emulator', 'register_custom_fields', { ProfileFields: ['Team', 'Tag_Profile_Custom_Hobby'], GroupMemberFields: ['tier'] });
    expect(r).toMatchObject({
      ActionStatus: 'OK',
      ProfileFields: ['Tag_Profile_Custom_Hobby', 'Tag_Profile_Custom_Unset', 'Tag_Profile_Custom_Team'],
      GroupMemberFields: ['level', 'tier'],
    });
    await rest.portraitSet({ From_Account: 'm3', ProfileItem: [{ Tag: 'Tag_Profile_Custom_Team', Value: 'core' }] });
  });

  // portrait_set (https://cloud.tencent.com/document/product/269/1640) and portrait_get
  // (https://cloud.tencent.com/document/product/269/1639) list ErrorDisplay among the answer's fields
  // ("ErrorDisplay | String | 详细的客户端展示信息"), failures included; other services' answers do not.
  test('profile failures carry ErrorDisplay as successes do; other services do not', async () => {
    const bad = await h.raw('profile/portrait_set', JSON.stringify({ From_Account: 'ghost', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] }));
    expectFail(bad, 40003);
    expect(bad.body.ErrorDisplay).toBe('');
    const badGet = await h.raw('profile/portrait_get', JSON.stringify({ To_Account: ['m1'] }));
    expectFail(badGet, 40001);
    expect(badGet.body.ErrorDisplay).toBe('');
    // Refused by the common checks (another user's sig: 70013) before the profile service runs.
    const badSig = await h.raw('profile/portrait_get', JSON.stringify({ To_Account: ['m1'], TagList: ['Tag_Profile_IM_Nick'] }), h.query({ usersig: h.sig('m1') }));
    expectFail(badSig, 70013);
    expect(badSig.body.ErrorDisplay).toBe('');
    const good = await h.raw('profile/portrait_get', JSON.stringify({ To_Account: ['m1'], TagList: ['Tag_Profile_IM_Nick'] }));
    expect(good.body).toMatchObject({ ActionStatus: 'OK', ErrorDisplay: '' });
    const other = await h.raw('openim/query_online_status', JSON.stringify({}));
    expectFail(other, 90001);
    expect(other.body).not.toHaveProperty('ErrorDisplay');
  });

  test.each([
    ['To_Account missing', { TagList: ['Tag_Profile_IM_Nick'] }, 40001],
    ['TagList missing', { To_Account: ['m1'] }, 40001],
    ['more than 100 accounts', { To_Account: Array.from({ length: 101 }, (_, i) => `a${i}`), TagList: ['Tag_Profile_IM_Nick'] }, 40001],
    ['an unknown tag', { To_Account: ['m1'], TagList: ['Tag_Profile_IM_Shoe'] }, 40009],
    ['an account not a string', { To_Account: [{}], TagList: ['Tag_Profile_IM_Nick'] }, 60015],
  ])('portrait_get refuses %s', async (_n, body, code) => {
    await refused('profile', 'portrait_get', body, code);
  });
});

describe('group_open_http_svc setup calls', () => {
  test('create_group: server-made ids per type, custom ids, initial members, roles and data', async () => {
    const ids: Record<string, string> = {};
    for (const Type of ['Private', 'Work', 'Public', 'ChatRoom', 'Meeting', 'AVChatRoom', 'Community'] as const) {
      ids[Type] = (await rest.createGroup({ Type, Name: `${Type} group` })).GroupId;
    }
    expect(ids.Public).toMatch(/^@TGS#2[A-Z0-9]{8}$/);
    expect(ids.AVChatRoom).toMatch(/^@TGS#a[A-Z0-9]{8}$/);
    expect(ids.Community).toMatch(/^@TGS#_@TGS#c[A-Z0-9]{10}$/);
    expect(new Set(Object.values(ids)).size).toBe(7);

    const { GroupId } = await rest.createGroup({
      Type: 'Public',
      Name: 'custom',
      GroupId: 'my-custom_group.1',
      Owner_Account: 'owner',
      MemberList: [
        { Member_Account: 'm1', Role: 'Admin', AppMemberDefinedData: [{ Key: 'level', Value: 'gold' }] },
        { Member_Account: 'm2' },
        { Member_Account: 'owner' },
      ],
      AppDefinedData: [{ Key: 'topic', Value: 'tests' }],
    });
    expect(GroupId).toBe('my-custom_group.1');
    const r = await rest.getGroupMemberInfo({ GroupId, MemberInfoFilter: ['Role'], AppDefinedDataFilter_GroupMember: ['level'] });
    expect(r.MemberNum).toBe(3);
    expect(r.MemberList).toEqual([
      { AppMemberDefinedData: [{ Key: 'level', Value: '' }], Member_Account: 'owner', Role: 'Owner' },
      { AppMemberDefinedData: [{ Key: 'level', Value: 'gold' }], Member_Account: 'm1', Role: 'Admin' },
      { AppMemberDefinedData: [{ Key: 'level', Value: '' }], Member_Account: 'm2', Role: 'Member' },
    ]);
    const community = await rest.createGroup({ Type: 'Community', Name: 'c', GroupId: '@TGS#_my-community' });
    expect(community.GroupId).toBe('@TGS#_my-community');
  });

  test.each([
    ['Type missing', { Name: 'x' }, 10004],
    ['an unknown Type', { Type: 'Club', Name: 'x' }, 10004],
    ['Name missing', { Type: 'Public' }, 10004],
    ['Name over 30 bytes', { Type: 'Public', Name: 'n'.repeat(31) }, 10004],
    ['a custom id starting @TGS#', { Type: 'Public', Name: 'x', GroupId: '@TGS#2ABCDEFGH' }, 10015],
    ['a Community id without @TGS#_', { Type: 'Community', Name: 'x', GroupId: 'plain' }, 10015],
    ['a custom id over 48 bytes', { Type: 'Public', Name: 'x', GroupId: 'g'.repeat(49) }, 10015],
    ['an id in use', { Type: 'Public', Name: 'x', GroupId: 'my-custom_group.1' }, 10021],
    ['an owner never imported', { Type: 'Public', Name: 'x', Owner_Account: 'ghost' }, 10019],
    ['a member never imported', { Type: 'Public', Name: 'x', MemberList: [{ Member_Account: 'ghost' }] }, 10019],
    ['members in an AVChatRoom', { Type: 'AVChatRoom', Name: 'x', MemberList: [{ Member_Account: 'm1' }] }, 10007],
    ['more than 100 members', { Type: 'Public', Name: 'x', MemberList: Array.from({ length: 101 }, () => ({ Member_Account: 'm1' })) }, 10004],
    ['MaxMemberCount above the type', { Type: 'Private', Name: 'x', MaxMemberCount: 201 }, 10004],
    ['more members than MaxMemberCount', { Type: 'Public', Name: 'x', MaxMemberCount: 2, Owner_Account: 'owner', MemberList: [{ Member_Account: 'm1' }, { Member_Account: 'm2' }] }, 10014],
    ['Role Owner in MemberList', { Type: 'Public', Name: 'x', MemberList: [{ Member_Account: 'm1', Role: 'Owner' }] }, 10004],
    ['a member account not a string', { Type: 'Public', Name: 'x', MemberList: [{ Member_Account: 1 }] }, 60015],
  ])('create_group refuses %s', async (_n, body, code) => {
    await refused('group_open_http_svc', 'create_group', body, code);
  });

  // Member custom fields are configured in the console before use ("首先要在 控制台 (功能配置 -> 群成员自定义字段)
  // 配置用户自定义字段，然后再调用该接口进行设置", V2TIMSetGroupMemberInfo.customInfo, Tencent's SDK reference).
  // No code is documented for an unconfigured key: the emulator answers the group service's 10004.
  test('member custom keys: unregistered ones are 10004 on create_group and modify_group_member_info', async () => {
    const { GroupId } = await rest.createGroup({ Type: 'Public', Name: 'keys', Owner_Account: 'owner' });
    await refused(
      'group_open_http_svc',
      'modify_group_member_info',
      { GroupId, Member_Account: 'owner', AppMemberDefinedData: [{ Key: 'unregistered', Value: 'v' }] },
      10004,
    );
    await refused(
      'group_open_http_svc',
      'create_group',
      { Type: 'Public', Name: 'x', MemberList: [{ Member_Account: 'm1', AppMemberDefinedData: [{ Key: 'unregistered', Value: 'v' }] }] },
      10004,
    );
    await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'owner', AppMemberDefinedData: [{ Key: 'level', Value: 'v' }] });
  });

  test('add_group_member: Result 1 added, 2 already a member; refusals change nothing', async () => {
    const { GroupId } = await rest.createGroup({ Type: 'Private', Name: 'adds', Owner_Account: 'owner', MaxMemberCount: 4 });
    const r = await rest.addGroupMember({ GroupId, MemberList: [{ Member_Account: 'm1' }, { Member_Account: 'owner' }, { Member_Account: 'm1' }] });
    expect(r.MemberList).toEqual([
      { Member_Account: 'm1', Result: 1 },
      { Member_Account: 'owner', Result: 2 },
    ]);
    await refused('group_open_http_svc', 'add_group_member', { GroupId, MemberList: [{ Member_Account: 'm2' }, { Member_Account: 'ghost' }] }, 10019);
    await refused(
      'group_open_http_svc',
      'add_group_member',
      { GroupId, MemberList: [{ Member_Account: 'm2' }, { Member_Account: 'm3' }, { Member_Account: 'm4' }] },
      10014,
    );
    await refused('group_open_http_svc', 'add_group_member', { GroupId: 'nope', MemberList: [{ Member_Account: 'm2' }] }, 10010);
    await refused('group_open_http_svc', 'add_group_member', { GroupId, MemberList: [] }, 10004);
    await refused(
      'group_open_http_svc',
      'add_group_member',
      { GroupId, MemberList: Array.from({ length: 301 }, () => ({ Member_Account: 'm2' })) },
      10004,
    );
    const av = await rest.createGroup({ Type: 'AVChatRoom', Name: 'av' });
    await refused('group_open_http_svc', 'add_group_member', { GroupId: av.GroupId, MemberList: [{ Member_Account: 'm2' }] }, 10007);
  });

  test('delete_group_member removes members and their data; the owner stays', async () => {
    const { GroupId } = await rest.createGroup({
      Type: 'Public',
      Name: 'dels',
      Owner_Account: 'owner',
      MemberList: [{ Member_Account: 'm1', AppMemberDefinedData: [{ Key: 'level', Value: 'x' }] }, { Member_Account: 'm2' }],
    });
    await rest.deleteGroupMember({ GroupId, MemberToDel_Account: ['m1', 'not-a-member'] });
    expect((await rest.getGroupMemberInfo({ GroupId })).MemberList.map((m) => m.Member_Account)).toEqual(['owner', 'm2']);
    await rest.addGroupMember({ GroupId, MemberList: [{ Member_Account: 'm1' }] });
    const back = await rest.getSpecifiedGroupMemberInfo({ GroupId, Member_List_Account: ['m1'], AppDefinedDataFilter_GroupMember: ['level'] });
    expect(back.MemberList[0]!.AppMemberDefinedData).toEqual([{ Key: 'level', Value: '' }]);
    await refused('group_open_http_svc', 'delete_group_member', { GroupId, MemberToDel_Account: ['owner', 'm2'] }, 10004);
    await refused('group_open_http_svc', 'delete_group_member', { GroupId, MemberToDel_Account: [] }, 10004);
    await refused(
      'group_open_http_svc',
      'delete_group_member',
      { GroupId, MemberToDel_Account: Array.from({ length: 101 }, (_, i) => `x${i}`) },
      10004,
    );
  });

  test('modify_group_member_info: role, flag, card, mute, data; refusals change nothing', async () => {
    const { GroupId } = await rest.createGroup({ Type: 'Public', Name: 'mods', Owner_Account: 'owner', MemberList: [{ Member_Account: 'm1' }] });
    await rest.modifyGroupMemberInfo({
      GroupId,
      Member_Account: 'm1',
      Role: 'Admin',
      MsgFlag: 'Discard',
      NameCard: 'card',
      MuteTime: 100,
      AppMemberDefinedData: [{ Key: 'level', Value: 'v' }],
    });
    const get = async () => (await rest.getSpecifiedGroupMemberInfo({ GroupId, Member_List_Account: ['m1'], AppDefinedDataFilter_GroupMember: ['level'] })).MemberList[0]!;
    const m = await get();
    expect(m).toMatchObject({ Role: 'Admin', MsgFlag: 'Discard', NameCard: 'card', AppMemberDefinedData: [{ Key: 'level', Value: 'v' }] });
    expect(m.MuteUntil).toBeGreaterThan(Date.now() / 1000 + 90);
    await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'm1', MuteTime: 0, AppMemberDefinedData: [{ Key: 'level', Value: '' }] });
    expect(await get()).toMatchObject({ MuteUntil: 0, Role: 'Admin', AppMemberDefinedData: [{ Key: 'level', Value: '' }] });
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'owner', Role: 'Member' }, 10004);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'm1', Role: 'Owner' }, 10004);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'm2', NameCard: 'x' }, 10007);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'm1', NameCard: 'c'.repeat(51) }, 10004);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'm1', MsgFlag: 'Loud' }, 10004);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'm1', MuteTime: -5 }, 10004);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, Member_Account: 'm1', AppMemberDefinedData: [{ Key: 'level', Value: 'v'.repeat(65) }] }, 10004);
    await refused('group_open_http_svc', 'modify_group_member_info', { GroupId, NameCard: 'x' }, 10004);
  });

  test('destroy_group removes the group, members and data; then 10010', async () => {
    const { GroupId } = await rest.createGroup({ Type: 'Meeting', Name: 'gone', Owner_Account: 'owner', MemberList: [{ Member_Account: 'm1', AppMemberDefinedData: [{ Key: 'level', Value: 'x' }] }] });
    await rest.destroyGroup({ GroupId });
    for (const table of ['tim_groups', 'tim_group_members', 'tim_group_member_data']) {
      expect(h.ctx.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE group_id = ?`).get(GroupId)).toEqual({ n: 0 });
    }
    await refused('group_open_http_svc', 'destroy_group', { GroupId }, 10010);
    await refused('group_open_http_svc', 'destroy_group', {}, 10004);
    await refused('group_open_http_svc', 'destroy_group', { GroupId: '@TGS#?' }, 10015);
    const av = await rest.createGroup({ Type: 'AVChatRoom', Name: 'av' });
    await rest.destroyGroup({ GroupId: av.GroupId });
  });

  test('get_group_member_info pages in join order with the same filters', async () => {
    const { GroupId } = await rest.createGroup({ Type: 'Public', Name: 'pages', Owner_Account: 'owner' });
    await rest.addGroupMember({ GroupId, MemberList: ['m1', 'm2', 'm3', 'm4', 'm5'].map((Member_Account) => ({ Member_Account })) });
    await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'm3', Role: 'Admin' });
    const page = await rest.getGroupMemberInfo({ GroupId, Limit: 2, Offset: 1, MemberInfoFilter: ['Role'] });
    expect(page.MemberNum).toBe(6);
    expect(page.MemberList.map((m) => [m.Member_Account, m.Role])).toEqual([
      ['m1', 'Member'],
      ['m2', 'Member'],
    ]);
    const all = await rest.getGroupMemberInfo({ GroupId });
    expect(all.MemberList.map((m) => m.Member_Account)).toEqual(['owner', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const admins = await rest.getGroupMemberInfo({ GroupId, MemberRoleFilter: ['Owner', 'Admin'] });
    expect(admins.MemberList.map((m) => m.Member_Account)).toEqual(['owner', 'm3']);
    expect((await rest.getGroupMemberInfo({ GroupId, Offset: 10 })).MemberList).toEqual([]);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Limit: 201 }, 10004);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Offset: 'x' }, 10004);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, MemberInfoFilter: ['Nick'] }, 10004);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId: 'nope' }, 10010);
    const av = await rest.createGroup({ Type: 'AVChatRoom', Name: 'av' });
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId: av.GroupId }, 10007);
  });
});

// https://cloud.tencent.com/document/product/269/1617 (get_group_member_info): "Limit 限制回包中 MemberList
// 数组中成员的个数，不得超过200，建议100"; its MemberInfoFilter sample lists "ShutUpUntil" (the answer's
// mute field too), where get_specified_group_member_info (269/112002) says "MuteUntil"; "Community（社群）|
// 支持，使用 Next 字段分批获取", "社群目前不支持分页获取" (no Offset).
describe('get_group_member_info as its current page documents', () => {
  test('Limit at most 200; the mute field is ShutUpUntil here and MuteUntil in the other query', async () => {
    const { GroupId } = await rest.createGroup({ Type: 'Public', Name: 'shutup', Owner_Account: 'owner', MemberList: [{ Member_Account: 'm1' }] });
    await rest.modifyGroupMemberInfo({ GroupId, Member_Account: 'm1', MuteTime: 600 });
    expect((await rest.getGroupMemberInfo({ GroupId, Limit: 200 })).MemberList).toHaveLength(2);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Limit: 201 }, 10004);
    const page = await h.raw('group_open_http_svc/get_group_member_info', JSON.stringify({ GroupId }));
    const m1 = (page.body.MemberList as Record<string, unknown>[]).find((m) => m.Member_Account === 'm1')!;
    expect(m1.ShutUpUntil).toBeGreaterThan(Date.now() / 1000 + 500);
    expect(m1).not.toHaveProperty('MuteUntil');
    expect(Object.keys(m1).at(-1)).toBe('ShutUpUntil');
    const filtered = await rest.getGroupMemberInfo({ GroupId, MemberInfoFilter: ['ShutUpUntil'] });
    expect(filtered.MemberList.map((m) => Object.keys(m).sort())).toEqual([
      ['AppMemberDefinedData', 'Member_Account', 'ShutUpUntil'],
      ['AppMemberDefinedData', 'Member_Account', 'ShutUpUntil'],
    ]);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, MemberInfoFilter: ['MuteUntil'] }, 10004);
    const specified = await rest.getSpecifiedGroupMemberInfo({ GroupId, Member_List_Account: ['m1'], MemberInfoFilter: ['MuteUntil'] });
    expect(specified.MemberList[0]!.MuteUntil).toBe(m1.ShutUpUntil);
    await refused('group_open_http_svc', 'get_specified_group_member_info', { GroupId, Member_List_Account: ['m1'], MemberInfoFilter: ['ShutUpUntil'] }, 10004);
    expect(filtered).not.toHaveProperty('Next');
  });

  test('a Community group pages with Next ("" first, "" when done), not Offset', async () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const { GroupId } = await rest.createGroup({ Type: 'Community', Name: 'comm', Owner_Account: 'owner', MemberList: members.map((Member_Account) => ({ Member_Account })) });
    const seen: string[] = [];
    let next = '';
    const nexts: string[] = [];
    do {
      const r = await rest.getGroupMemberInfo({ GroupId, Limit: 2, Next: next, MemberInfoFilter: ['Role'] });
      expect(r.MemberNum).toBe(6);
      seen.push(...r.MemberList.map((m) => m.Member_Account));
      next = r.Next!;
      nexts.push(next);
    } while (next !== '');
    expect(seen).toEqual(['owner', ...members]);
    expect(nexts).toHaveLength(3);
    const whole = await rest.getGroupMemberInfo({ GroupId, Next: '' });
    expect(whole.MemberList).toHaveLength(6);
    expect(whole.Next).toBe('');
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Limit: 2 }, 10004);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Offset: 2, Next: '' }, 10004);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Next: 'garbage' }, 10004);
    await refused('group_open_http_svc', 'get_group_member_info', { GroupId, Next: 5 }, 10004);
  });
});

describe('openim', () => {
  test.each([
    ['To_Account missing', {}, 90001],
    ['To_Account empty', { To_Account: [] }, 90001],
    ['more than 500 accounts', { To_Account: Array.from({ length: 501 }, (_, i) => `a${i}`) }, 90011],
    ['IsNeedDetail not 0/1', { To_Account: ['m1'], IsNeedDetail: 2 }, 90001],
    ['an account not a string', { To_Account: [true] }, 60015],
  ])('query_online_status refuses %s', async (_n, body, code) => {
    await refused('openim', 'query_online_status', body, code);
  });
});

// Lenient mode is the emulator's own convenience, off by default: the service refuses unregistered
// keys (see the tests above). It registers keys on first use, within the console's caps.
describe('lenientCustomFields (not what the service does)', () => {
  test('registers custom keys on first use, up to 20 profile and 5 member keys; past them 40009 / 10004', async () => {
    const lenient = await startHarness({ lenientCustomFields: true });
    try {
      const client = lenient.client({ maxRetries: 0 });
      await client.multiAccountImport({ Accounts: ['x1'] });
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const items = Array.from({ length: 20 }, (_, i) => ({ Tag: `Tag_Profile_Custom_k${letters[i]}` as const, Value: 'v' }));
      await client.portraitSet({ From_Account: 'x1', ProfileItem: items });
      expect(lenient.ctx.store.customKeys().size).toBe(20);
      const err = await client.portraitSet({ From_Account: 'x1', ProfileItem: [{ Tag: 'Tag_Profile_Custom_onemore', Value: 'v' }] }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 40009 });
      await client.portraitSet({ From_Account: 'x1', ProfileItem: [{ Tag: 'Tag_Profile_Custom_ka', Value: 'reuse is fine' }] });
      const { GroupId } = await client.createGroup({ Type: 'Public', Name: 'lenient', Owner_Account: 'x1' });
      const five = Array.from({ length: 5 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      await client.modifyGroupMemberInfo({ GroupId, Member_Account: 'x1', AppMemberDefinedData: five });
      const sixth = await client.modifyGroupMemberInfo({ GroupId, Member_Account: 'x1', AppMemberDefinedData: [{ Key: 'sixth', Value: 'v' }] }).catch((e: unknown) => e);
      expect(sixth).toMatchObject({ code: 10004 });
    } finally {
      await lenient.close();
    }
  });
});
