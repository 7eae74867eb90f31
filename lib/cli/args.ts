/**
 * Argument parsing for the CLI: `node:util` `parseArgs` with strict checking, turned into
 * {@link UsageError}s that say what is wrong, plus the typed readers of option values.
 * @packageDocumentation
 */
import { parseArgs, type ParseArgsConfig } from 'util';

/** A bad command line: the CLI prints the message and a pointer to `--help`, and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help applies, e.g. `profile get`. */
    readonly command = '',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Option declarations in `parseArgs` form. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values by name: strings, booleans, or string arrays for `multiple`. */
export type Values = Record<string, string | boolean | string[] | undefined>;

/** The options every command has. */
export const COMMON_OPTIONS: OptionSpecs = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Parses `argv` against `options`; unknown options and missing values are {@link UsageError}s. */
export function parse(argv: string[], options: OptionSpecs, command: string): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    throw new UsageError(cleanParseError(err as Error), command);
  }
}

/** Node's parseArgs messages, made shorter and CLI-like. */
function cleanParseError(err: Error): string {
  const msg = err.message;
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(msg);
  if (missing) return `option ${missing[1]} needs a value`;
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(msg);
  if (ambiguous) return `option ${ambiguous[1]} needs a value (write ${ambiguous[1]}=VALUE for a value that starts with "-")`;
  const positional = /Unexpected argument '([^']+)'/.exec(msg);
  if (positional) return `unexpected argument ${positional[1]}`;
  return msg.split('\n')[0] ?? msg;
}

/** A string option, or `undefined`. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable option's values, each also split on commas (`--fields Role,NameCard`). */
export function list(values: Values, name: string): string[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const raw = Array.isArray(v) ? v : [String(v)];
  return raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** An integer option within `[min, max]`, or `fallback` when absent. */
export function int(values: Values, name: string, fallback: number, min: number, max: number, command: string): number {
  const v = str(values, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`, command);
  }
  return Number(v);
}

/** Checks the number of positional arguments. */
export function positionals(args: string[], min: number, max: number, what: string, command: string): string[] {
  if (args.length < min) throw new UsageError(`missing ${what}`, command);
  if (args.length > max) throw new UsageError(`unexpected argument ${args[max]}`, command);
  return args;
}
