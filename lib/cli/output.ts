/**
 * Where the CLI's results and errors go: human text (tables) by default, JSON with `--json`.
 * Results go to stdout; errors and notes go to stderr, as one JSON object per line with `--json`.
 * @packageDocumentation
 */
import { TIMError } from '../errors';
import { RestError } from '../rest';
import { UsageError } from './args';
import { restCodeInfo, timCodeInfo, type CodeInfo } from './codes';
import { renderTable } from './format';

/** Exit codes of the CLI. */
export const ExitCode = {
  OK: 0,
  /** A TIM or REST call failed, or something else went wrong at run time. */
  FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
} as const;

/** An error the CLI explains with a hint of what to do. */
export class HintedError extends Error {
  constructor(
    readonly inner: Error,
    readonly hint: string,
  ) {
    super(inner.message);
    this.name = inner.name;
  }
}

/** The error as JSON: what `--json` prints on stderr. */
export interface ErrorReport {
  error: {
    kind: 'usage' | 'tim' | 'rest' | 'other';
    message: string;
    code?: number;
    name?: string;
    meaning?: string;
    /** TIM: the C function; REST: `service/command`. */
    api?: string;
    /** What the library or the service said (TIM `desc`, REST `ErrorInfo`). */
    detail?: string;
    hint?: string;
  };
}

/** Writes a command's results and notes, as text or JSON. */
export class Output {
  constructor(readonly json: boolean) {}

  /** A result: `data` as JSON, else `text()`. */
  result(data: unknown, text: () => string): void {
    process.stdout.write(`${this.json ? JSON.stringify(data) : text()}\n`);
  }

  /** A result shown as a table (JSON: `data`). */
  table(data: unknown, headers: readonly string[], rows: readonly (readonly string[])[]): void {
    this.result(data, () => (rows.length === 0 ? '(none)' : renderTable(headers, rows)));
  }

  /** One line of a stream (`status watch`, `emulator`): JSON lines or text lines. */
  line(data: unknown, text: string): void {
    process.stdout.write(`${this.json ? JSON.stringify(data) : text}\n`);
  }

  /** A note for humans on stderr (never on stdout, so `--json` output stays parseable). */
  note(text: string): void {
    if (!this.json) process.stderr.write(`${text}\n`);
  }

  /** Prints an error on stderr and returns the exit code it deserves. */
  error(err: unknown): number {
    const report = errorReport(err);
    if (this.json) process.stderr.write(`${JSON.stringify(report)}\n`);
    else process.stderr.write(humanError(report));
    return report.error.kind === 'usage' ? ExitCode.USAGE : ExitCode.FAILED;
  }
}

function codeFields(info: CodeInfo): Pick<ErrorReport['error'], 'code' | 'name' | 'meaning'> {
  return { code: info.code, name: info.name, meaning: info.meaning };
}

/** Classifies an error into the report both outputs are made from. */
export function errorReport(err: unknown): ErrorReport {
  const hint = err instanceof HintedError ? err.hint : undefined;
  const e = err instanceof HintedError ? err.inner : err;
  const withHint = hint !== undefined ? { hint } : {};
  if (e instanceof UsageError) {
    const help = `run \`tim-native ${e.command ? `${e.command} ` : ''}--help\``;
    return { error: { kind: 'usage', message: e.message, hint: hint ?? help } };
  }
  if (e instanceof TIMError) {
    const info = timCodeInfo(e.code);
    const detail = e.desc && e.desc !== info.meaning ? { detail: e.desc } : {};
    const message = `${e.api} failed: ${info.code} ${info.name}: ${info.meaning}`;
    return { error: { kind: 'tim', message, ...codeFields(info), api: e.api, ...detail, ...withHint } };
  }
  if (e instanceof RestError) {
    const info = restCodeInfo(e.code);
    const api = `${e.service}/${e.command}`;
    const detail = e.info && e.info !== info.meaning ? { detail: e.info } : {};
    const message = `${api} failed: ${info.code} ${info.name}: ${info.meaning}`;
    return { error: { kind: 'rest', message, ...codeFields(info), api, ...detail, ...withHint } };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { error: { kind: 'other', message, ...withHint } };
}

function humanError(report: ErrorReport): string {
  const { message, detail, hint, kind } = report.error;
  let text = `${kind === 'usage' ? 'usage error' : 'error'}: ${message}\n`;
  if (detail !== undefined) text += `  ${kind === 'rest' ? 'the service said' : 'the library said'}: ${detail}\n`;
  if (hint !== undefined) text += `  hint: ${hint}\n`;
  return text;
}
