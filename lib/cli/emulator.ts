/**
 * `tim-native emulator`: runs the local emulator in the foreground, one log line per request,
 * until Ctrl-C or SIGTERM (then closes it cleanly, database included).
 * @packageDocumentation
 */
import * as path from 'path';
import { errorCodeName } from '../constants';
import { DEFAULT_EMULATOR_PORT, DEFAULT_EMULATOR_SDK_APP_ID, DEV_SECRET_KEY, startEmulator, type RequestLogEntry } from '../emulator';
import { int, list, positionals, str, UsageError } from './args';
import type { Command } from './command';
import { clock } from './format';
import { HintedError, type Output } from './output';

function logRequest(out: Output, e: RequestLogEntry): void {
  const name = e.transport === 'protocol' && e.code !== 0 ? ` ${errorCodeName(e.code) ?? ''}` : '';
  const text = [
    clock(),
    e.transport === 'protocol' ? 'native' : 'rest  ',
    e.remote.padEnd(21),
    (e.userId ?? '-').padEnd(12),
    e.op,
    `-> ${e.code}${name}`,
    `(${e.durationMs.toFixed(1)} ms)`,
  ].join('  ');
  out.line({ event: 'request', time: new Date().toISOString(), ...e }, text);
}

export const emulator: Command = {
  name: 'emulator',
  summary: 'run the local emulator (native clients and the REST API on one port)',
  usage:
    'emulator [--host H] [--port N] [--data FILE] [--sdkappid N] [--secret KEY] [--admin ID ...] ' +
    '[--profile-field KEY ...] [--member-field KEY ...] [--lenient-custom-fields] [options]',
  description:
    'Starts the emulator and logs one line per request until Ctrl-C (or SIGTERM), then closes it cleanly.\n' +
    'Native clients find it through TIM_EMULATOR_HOST=host:port (or the TIMClient option `emulator`);\n' +
    'the REST API is served on the same port at http://host:port/v4/<service>/<command>.',
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    sdkappid: { type: 'string' },
    secret: { type: 'string' },
    admin: { type: 'string', multiple: true },
    'profile-field': { type: 'string', multiple: true },
    'member-field': { type: 'string', multiple: true },
    'lenient-custom-fields': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  },
  optionHelp: [
    [
      'Emulator',
      `  --host H               interface to listen on (default 127.0.0.1)
  --port N               port (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --data FILE            SQLite file that keeps accounts, profiles and groups across restarts
                         (default: in memory)
  --sdkappid N           the SDKAppID clients must use (default ${DEFAULT_EMULATOR_SDK_APP_ID})
  --secret KEY           the key UserSigs are checked against (default: the public development key)
  --admin ID             an app admin for the REST API, repeatable (default administrator)
  --profile-field KEY    register a custom profile field, as the IM console does (Tag_Profile_Custom_KEY
                         or KEY, 1-8 letters; at most 20), repeatable. Unregistered keys are refused
                         (40009), as the service refuses them
  --member-field KEY     register a group member custom field (at most 5), repeatable; unregistered: 10004
  --lenient-custom-fields
                         register custom keys on first use instead (NOT what the service does)
  -q, --quiet            do not log requests`,
    ],
  ],
  examples: [
    'tim-native emulator',
    'tim-native emulator --port 0 --data ./tim.db --admin administrator --admin ops',
    'tim-native emulator --profile-field Team --member-field Level',
  ],
  async run(ctx) {
    positionals(ctx.args, 0, 0, '', this.name);
    const { values, out } = ctx;
    const host = str(values, 'host');
    const dataFile = str(values, 'data');
    const secretKey = str(values, 'secret');
    const admins = list(values, 'admin');
    const profileFields = list(values, 'profile-field');
    const memberFields = list(values, 'member-field');
    const lenient = values['lenient-custom-fields'] === true;
    if (secretKey === '') throw new UsageError('--secret must not be empty', this.name);
    const options = {
      port: int(values, 'port', DEFAULT_EMULATOR_PORT, 0, 65535, this.name),
      sdkAppId: int(values, 'sdkappid', DEFAULT_EMULATOR_SDK_APP_ID, 1, Number.MAX_SAFE_INTEGER, this.name),
      ...(host !== undefined ? { host } : {}),
      ...(dataFile !== undefined ? { dataFile: path.resolve(dataFile) } : {}),
      ...(secretKey !== undefined ? { secretKey } : {}),
      ...(admins !== undefined ? { admins } : {}),
      customFields: { ...(profileFields ? { profile: profileFields } : {}), ...(memberFields ? { groupMember: memberFields } : {}) },
      ...(lenient ? { lenientCustomFields: true } : {}),
    };
    let emu;
    try {
      emu = await startEmulator(options);
    } catch (err) {
      if (err instanceof TypeError && err.message.startsWith('customFields.')) throw new UsageError(err.message, this.name);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new HintedError(err as Error, `port ${options.port} is in use: pick another with --port (0 = any free port)`);
      throw err;
    }
    const info = {
      event: 'listening',
      address: emu.address,
      restUrl: `http://${emu.address}`,
      sdkAppId: emu.sdkAppId,
      admins: options.admins ?? ['administrator'],
      dataFile: options.dataFile ?? null,
      developmentKey: emu.secretKey === DEV_SECRET_KEY,
      customFields: emu.registerCustomFields({}),
      lenientCustomFields: lenient,
    };
    out.result(info, () =>
      [
        `tim-native emulator listening on ${emu.address} (SDKAppID ${emu.sdkAppId})`,
        `  native clients   export TIM_EMULATOR_HOST=${emu.address}   (or new TIMClient({ emulator: '${emu.address}' }))`,
        `  REST API         http://${emu.address}/v4/<service>/<command>   admins: ${info.admins.join(', ')}`,
        `  secret key       ${emu.secretKey === DEV_SECRET_KEY ? `${DEV_SECRET_KEY} (the public development key)` : '(the one you gave)'}`,
        `  data             ${options.dataFile ?? 'in memory: gone when the emulator stops (keep it with --data FILE)'}`,
        `  custom fields    profile: ${info.customFields.profile.join(', ') || '(none)'}; group member: ${info.customFields.groupMember.join(', ') || '(none)'}` +
          (lenient ? '  (lenient: unregistered keys are registered on first use, unlike the service)' : ''),
        `  try              TIM_EMULATOR_HOST=${emu.address} tim-native status watch alice --user bob`,
        'Ctrl-C stops it.',
      ].join('\n'),
    );
    if (!values.quiet) emu.on('request', (e) => logRequest(out, e));

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // A second Ctrl-C while closing gives up at once.
    process.once('SIGINT', () => process.exit(130));
    out.note(`${signal}: stopping...`);
    await emu.close();
    out.line({ event: 'stopped', signal }, 'emulator stopped; database closed');
    return 0;
  },
};
