/**
 * `tim-native profile get` and `profile set`: profiles through a logged-in client.
 * @packageDocumentation
 */
import {
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
  kTIMUserProfileFaceUrl,
  kTIMUserProfileGender,
  kTIMUserProfileIdentifier,
  kTIMUserProfileItemAddPermission,
  kTIMUserProfileItemBirthDay,
  kTIMUserProfileItemCustomStringArray,
  kTIMUserProfileItemFaceUrl,
  kTIMUserProfileItemGender,
  kTIMUserProfileItemLanguage,
  kTIMUserProfileItemLevel,
  kTIMUserProfileItemLocation,
  kTIMUserProfileItemNickName,
  kTIMUserProfileItemRole,
  kTIMUserProfileItemSelfSignature,
  kTIMUserProfileLocation,
  kTIMUserProfileNickName,
  kTIMUserProfileSelfSignature,
  TIMGenderType,
  TIMProfileAddPermission,
} from '../constants';
import type { UserProfile, UserProfileItem } from '../types';
import { int, positionals, str, UsageError, type Values } from './args';
import type { Command, CommandContext } from './command';
import { customFields, genderName } from './format';
import type { Output } from './output';
import { openSession, USER_OPTIONS, USER_OPTIONS_HELP, type UserSession } from './session';

const USER_HELP: readonly [string, string] = ['Connection (as a user)', USER_OPTIONS_HELP];

function printProfiles(out: Output, profiles: UserProfile[]): void {
  out.table(
    profiles,
    ['USER', 'NICK', 'GENDER', 'SIGNATURE', 'LOCATION', 'FACE URL', 'CUSTOM'],
    profiles.map((p) => [
      p[kTIMUserProfileIdentifier],
      p[kTIMUserProfileNickName] ?? '',
      genderName(p[kTIMUserProfileGender]),
      p[kTIMUserProfileSelfSignature] ?? '',
      p[kTIMUserProfileLocation] ?? '',
      p[kTIMUserProfileFaceUrl] ?? '',
      customFields(p),
    ]),
  );
}

/** Logs in, runs `body`, always logs out. */
async function asUser(ctx: CommandContext, command: string, body: (session: UserSession) => Promise<void>): Promise<number> {
  const session = await openSession(ctx.values, command);
  try {
    await body(session);
  } finally {
    await session.close();
  }
  return 0;
}

export const profileGet: Command = {
  name: 'profile get',
  summary: "read users' profiles",
  usage: 'profile get <userId...> --user ID [options]',
  description:
    'Logs in as --user and reads the profiles of the given users (TIMProfileGetUserProfileList, at most\n' +
    '100 ids). Users that do not exist are left out and named on stderr.',
  options: USER_OPTIONS,
  optionHelp: [USER_HELP],
  examples: ['tim-native profile get alice bob --user bob', 'tim-native profile get alice --user bob --json'],
  run(ctx) {
    const ids = positionals(ctx.args, 1, 100, 'the user ids to read', this.name);
    return asUser(ctx, this.name, async ({ client }) => {
      const profiles = await client.getUserProfileList(ids);
      printProfiles(ctx.out, profiles);
      const found = new Set(profiles.map((p) => p[kTIMUserProfileIdentifier]));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) ctx.out.note(`not found: ${missing.join(', ')}`);
    });
  },
};

const GENDERS: Record<string, TIMGenderType> = {
  unknown: TIMGenderType.kTIMGenderType_Unknown,
  male: TIMGenderType.kTIMGenderType_Male,
  female: TIMGenderType.kTIMGenderType_Female,
};

const ALLOW: Record<string, TIMProfileAddPermission> = {
  any: TIMProfileAddPermission.kTIMProfileAddPermission_AllowAny,
  confirm: TIMProfileAddPermission.kTIMProfileAddPermission_NeedConfirm,
  deny: TIMProfileAddPermission.kTIMProfileAddPermission_DenyAny,
};

function pick<T>(table: Record<string, T>, value: string, option: string, command: string): T {
  const hit = table[value.toLowerCase()];
  if (hit === undefined) throw new UsageError(`--${option} must be one of ${Object.keys(table).join(', ')}, got "${value}"`, command);
  return hit;
}

type TextKey =
  | typeof kTIMUserProfileItemNickName
  | typeof kTIMUserProfileItemSelfSignature
  | typeof kTIMUserProfileItemFaceUrl
  | typeof kTIMUserProfileItemLocation;
type NumberKey =
  | typeof kTIMUserProfileItemLanguage
  | typeof kTIMUserProfileItemBirthDay
  | typeof kTIMUserProfileItemLevel
  | typeof kTIMUserProfileItemRole;

/** The profile item the `profile set` options describe. */
function profileItem(values: Values, command: string): UserProfileItem {
  const item: UserProfileItem = {};
  const text: Array<[string, TextKey]> = [
    ['nick', kTIMUserProfileItemNickName],
    ['signature', kTIMUserProfileItemSelfSignature],
    ['face-url', kTIMUserProfileItemFaceUrl],
    ['location', kTIMUserProfileItemLocation],
  ];
  for (const [option, key] of text) {
    const v = str(values, option);
    if (v !== undefined) item[key] = v;
  }
  const numbers: Array<[string, NumberKey]> = [
    ['language', kTIMUserProfileItemLanguage],
    ['birthday', kTIMUserProfileItemBirthDay],
    ['level', kTIMUserProfileItemLevel],
    ['role', kTIMUserProfileItemRole],
  ];
  for (const [option, key] of numbers) {
    if (str(values, option) !== undefined) item[key] = int(values, option, 0, 0, 0xffffffff, command);
  }
  const gender = str(values, 'gender');
  if (gender !== undefined) item[kTIMUserProfileItemGender] = pick(GENDERS, gender, 'gender', command);
  const allow = str(values, 'allow');
  if (allow !== undefined) item[kTIMUserProfileItemAddPermission] = pick(ALLOW, allow, 'allow', command);
  const custom = values.custom;
  if (Array.isArray(custom)) {
    item[kTIMUserProfileItemCustomStringArray] = custom.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--custom takes key=value, got "${pair}"`, command);
      return { [kTIMUserProfileCustomStringInfoKey]: pair.slice(0, eq), [kTIMUserProfileCustomStringInfoValue]: pair.slice(eq + 1) };
    });
  }
  if (Object.keys(item).length === 0) throw new UsageError('nothing to set: give at least one of the field options', command);
  return item;
}

export const profileSet: Command = {
  name: 'profile set',
  summary: 'change your own profile',
  usage: 'profile set --user ID [--nick TEXT] [--gender G] [--custom key=value ...] [options]',
  description:
    "Logs in as --user and changes that user's own profile (TIMProfileModifySelfUserProfile), several\n" +
    'fields at once; then prints the profile as it now is.',
  options: {
    ...USER_OPTIONS,
    nick: { type: 'string' },
    gender: { type: 'string' },
    signature: { type: 'string' },
    'face-url': { type: 'string' },
    location: { type: 'string' },
    allow: { type: 'string' },
    language: { type: 'string' },
    birthday: { type: 'string' },
    level: { type: 'string' },
    role: { type: 'string' },
    custom: { type: 'string', multiple: true },
  },
  optionHelp: [
    [
      'Fields',
      `  --nick TEXT            nickname (<= 500 bytes)
  --gender G             male, female or unknown
  --signature TEXT       signature (<= 500 bytes)
  --face-url URL         avatar URL (<= 500 bytes)
  --location TEXT        location
  --allow A              who may add you as a friend: any, confirm or deny
  --language N, --birthday N, --level N, --role N   unsigned integers
  --custom KEY=VALUE     a custom field, repeatable; KEY is letters only, <= 8 bytes, with or
                         without the Tag_Profile_Custom_ prefix; VALUE <= 500 bytes`,
    ],
    USER_HELP,
  ],
  examples: [
    'tim-native profile set --user alice --nick Alice --gender female --custom Team=core',
    'tim-native profile set --user alice --custom Mood=happy --custom City=Paris --json',
  ],
  run(ctx) {
    positionals(ctx.args, 0, 0, '', this.name);
    const item = profileItem(ctx.values, this.name);
    return asUser(ctx, this.name, async ({ client, userId }) => {
      await client.modifySelfUserProfile(item);
      printProfiles(ctx.out, await client.getUserProfileList([userId]));
    });
  },
};
