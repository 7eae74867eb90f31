/**
 * What a CLI command is, and how its `--help` is written.
 * @packageDocumentation
 */
import type { OptionSpecs, Values } from './args';
import type { Output } from './output';

/** What a command's `run` gets. */
export interface CommandContext {
  values: Values;
  args: string[];
  out: Output;
}

/** One command, e.g. `profile get`. */
export interface Command {
  /** Words after `tim-native`, e.g. `profile get`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis after `tim-native `, e.g. `profile get <userId...> [options]`. */
  readonly usage: string;
  /** A paragraph or two under the synopsis. */
  readonly description: string;
  readonly options: OptionSpecs;
  /** Help blocks of the options: `[title, lines]`. */
  readonly optionHelp: ReadonlyArray<readonly [string, string]>;
  readonly examples: readonly string[];
  run(ctx: CommandContext): Promise<number>;
}

/** Help of the options every command has. */
export const COMMON_HELP = `  --json                 machine-readable output: JSON on stdout, errors as JSON on stderr
  -h, --help             show this help`;

/** The full `--help` text of a command. */
export function commandHelp(cmd: Command): string {
  const blocks = [`Usage: tim-native ${cmd.usage}`, cmd.description];
  for (const [title, lines] of [...cmd.optionHelp, ['Options', COMMON_HELP] as const]) blocks.push(`${title}:\n${lines}`);
  if (cmd.examples.length > 0) blocks.push(`Examples:\n${cmd.examples.map((e) => `  ${e}`).join('\n')}`);
  return `${blocks.join('\n\n')}\n`;
}
