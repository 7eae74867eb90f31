/**
 * `tim-native usersig`: a TLSSigAPIv2 UserSig for a user.
 * @packageDocumentation
 */
import { DEFAULT_EMULATOR_SDK_APP_ID, DEV_SECRET_KEY } from '../emulator';
import { isValidUserId } from '../emulator/requests';
import { DEFAULT_USERSIG_EXPIRE_SECONDS, genUserSig } from '../usersig';
import { int, positionals, str, UsageError } from './args';
import type { Command } from './command';
import { sdkAppIdOption } from './session';

/** The service's rule for user ids: printable ASCII, 1 to 32 bytes. */
export function checkUserId(userId: string, command: string): string {
  if (!isValidUserId(userId)) {
    throw new UsageError(`invalid user id ${JSON.stringify(userId)}: 1 to 32 printable ASCII characters (7003 ERR_SDK_COMM_INVALID_IDENTIFIER)`, command);
  }
  return userId;
}

export const usersig: Command = {
  name: 'usersig',
  summary: 'generate a UserSig (TLSSigAPIv2)',
  usage: 'usersig <userId> [--sdkappid N] [--secret KEY] [--expire SECONDS] [options]',
  description:
    'Prints a UserSig for <userId>, signed with --secret (default: the emulator\'s public development key).\n' +
    'Keep real secret keys on servers: a UserSig for a real app is made by your back end.',
  options: { sdkappid: { type: 'string' }, secret: { type: 'string' }, expire: { type: 'string' } },
  optionHelp: [
    [
      'Signing',
      `  --sdkappid N           the app's SDKAppID (env TIM_SDKAPPID, default ${DEFAULT_EMULATOR_SDK_APP_ID})
  --secret KEY           the app's secret key (env TIM_SECRET_KEY; default: the emulator's development key)
  --expire SECONDS       lifetime (default ${DEFAULT_USERSIG_EXPIRE_SECONDS}, 180 days)`,
    ],
  ],
  examples: ['tim-native usersig alice', 'tim-native usersig alice --sdkappid 1400000001 --secret "$TIM_SECRET_KEY" --expire 86400 --json'],
  async run(ctx) {
    const [userId = ''] = positionals(ctx.args, 1, 1, 'the user id', this.name);
    checkUserId(userId, this.name);
    const sdkAppId = sdkAppIdOption(ctx.values, this.name);
    const expireSeconds = int(ctx.values, 'expire', DEFAULT_USERSIG_EXPIRE_SECONDS, 1, 0x7fffffff, this.name);
    const explicit = str(ctx.values, 'secret') ?? process.env.TIM_SECRET_KEY;
    const userSig = genUserSig({ sdkAppId, secretKey: explicit ?? DEV_SECRET_KEY, userId, expireSeconds });
    if (explicit === undefined) ctx.out.note("signed with the emulator's development key (pass --secret for a real app)");
    ctx.out.result({ userId, sdkAppId, expireSeconds, userSig }, () => userSig);
    return 0;
  },
};
