#!/usr/bin/env node
/**
 * `tim-native`: the command line of tim-native. Finds the command, parses its options, runs it,
 * and turns every failure into a clear message (the code's name and meaning, not just a number)
 * and a non-zero exit code: 1 when a call failed, 2 for a bad command line.
 * @packageDocumentation
 */
import * as path from 'path';
import { parse, UsageError } from './args';
import { commandHelp, type Command } from './command';
import { emulator } from './emulator';
import { groupAdd, groupCreate, groupMembers } from './group';
import { ExitCode, Output } from './output';
import { profileGet, profileSet } from './profile';
import { statusGet, statusSet, statusWatch } from './status';
import { usersig } from './usersig';

const COMMANDS: readonly Command[] = [
  emulator,
  usersig,
  profileGet,
  profileSet,
  statusGet,
  statusSet,
  statusWatch,
  groupCreate,
  groupAdd,
  groupMembers,
];

const GROUPS: Readonly<Record<string, string>> = {
  profile: 'user profiles, as a user',
  status: 'user status and live pushes, as a user',
  group: 'groups, as the app admin over the REST API',
};

function version(): string {
  return (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `tim-native ${version()}: Tencent Cloud Chat (TIM) for Node.js, from the command line

Usage: tim-native <command> [arguments] [options]

Commands:
${list}

Every command takes --help and --json. User commands (profile, status) log in to the emulator
(TIM_EMULATOR_HOST, default 127.0.0.1:9400) unless --sdk PATH names a TIM C library; group commands
call the REST API of the emulator (--url) or of Tencent's service (--region).

Start here:
  tim-native emulator                                   # terminal 1
  tim-native status watch alice --user bob              # terminal 2
  tim-native status set "In a meeting" --user alice     # terminal 3

Exit codes: 0 success, 1 a call failed (the message names the error code and its meaning),
2 bad command line.
`;
}

function groupHelp(group: string): string {
  const cmds = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...cmds.map((c) => c.name.length));
  return `Usage: tim-native ${group} <command> [arguments] [options]

${GROUPS[group]}:
${cmds.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`tim-native ${group} <command> --help\` for its options.
`;
}

/** The command `argv` names and the arguments after its name. */
function findCommand(argv: string[]): { cmd?: Command; group?: string; rest: string[] } {
  const [first = '', second = ''] = argv;
  const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (two) return { cmd: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === first);
  if (one) return { cmd: one, rest: argv.slice(1) };
  if (first in GROUPS) return { group: first, rest: argv.slice(1) };
  return { rest: argv };
}

async function run(argv: string[], out: Output): Promise<number> {
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (argv[0] === 'help') return run([...argv.slice(1), '--help'], out);
  if (argv.length === 0 || (wantsHelp && argv[0]?.startsWith('-'))) {
    process.stdout.write(mainHelp());
    return argv.length === 0 ? ExitCode.USAGE : ExitCode.OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`${version()}\n`);
    return ExitCode.OK;
  }
  const { cmd, group, rest } = findCommand(argv);
  if (cmd === undefined && group !== undefined) {
    if (wantsHelp) {
      process.stdout.write(groupHelp(group));
      return ExitCode.OK;
    }
    const sub = rest[0];
    throw new UsageError(sub === undefined || sub.startsWith('-') ? `${group}: missing command` : `${group}: unknown command "${sub}"`, group);
  }
  if (cmd === undefined) throw new UsageError(`unknown command "${argv[0]}"`);
  if (wantsHelp) {
    process.stdout.write(commandHelp(cmd));
    return ExitCode.OK;
  }
  const { values, positionals } = parse(rest, cmd.options, cmd.name);
  return cmd.run({ values, args: positionals, out: new Output(values.json === true) });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const out = new Output(argv.includes('--json'));
  // Piped into something that stopped reading (`| head`): nothing more to say.
  process.stdout.on('error', () => process.exit(ExitCode.FAILED));
  let code: number;
  try {
    code = await run(argv, out);
  } catch (err) {
    code = out.error(err);
  }
  process.exitCode = code;
}

void main();
