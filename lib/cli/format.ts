/**
 * Output formatting shared by the CLI and the demo: tables, enum names, one-line descriptions of
 * statuses and profiles.
 * @packageDocumentation
 */
import {
  kTIMUserProfileCustomStringArray,
  kTIMUserProfileCustomStringInfoKey,
  kTIMUserProfileCustomStringInfoValue,
  kTIMUserProfileGender,
  kTIMUserProfileIdentifier,
  kTIMUserProfileNickName,
  kTIMUserStatusCustomStatus,
  kTIMUserStatusIdentifier,
  kTIMUserStatusStatusType,
  TIMGenderType,
  TIMUserStatusType,
} from '../constants';
import type { UserProfile, UserStatus } from '../types';

/** `Online`, `Offline`, `UnLogined` or `Unknown` for a `TIMUserStatusType` value. */
export function statusTypeName(type: number | undefined): string {
  switch (type) {
    case TIMUserStatusType.kTIMUserStatusType_Online:
      return 'Online';
    case TIMUserStatusType.kTIMUserStatusType_Offline:
      return 'Offline';
    case TIMUserStatusType.kTIMUserStatusType_UnLogined:
      return 'UnLogined';
    default:
      return 'Unknown';
  }
}

/** `Male`, `Female` or `Unknown` for a `TIMGenderType` value. */
export function genderName(gender: number | undefined): string {
  if (gender === TIMGenderType.kTIMGenderType_Male) return 'Male';
  if (gender === TIMGenderType.kTIMGenderType_Female) return 'Female';
  return 'Unknown';
}

/** `key=value` pairs of a profile's custom fields, prefix kept, joined with `, `. */
export function customFields(profile: UserProfile): string {
  return (profile[kTIMUserProfileCustomStringArray] ?? [])
    .map((c) => `${c[kTIMUserProfileCustomStringInfoKey]}=${c[kTIMUserProfileCustomStringInfoValue]}`)
    .join(', ');
}

/** `alice is Online, custom status "In a meeting"`. */
export function describeStatus(status: UserStatus): string {
  const custom = status[kTIMUserStatusCustomStatus];
  const type = statusTypeName(status[kTIMUserStatusStatusType]);
  return `${status[kTIMUserStatusIdentifier]} is ${type}${custom ? `, custom status ${JSON.stringify(custom)}` : ''}`;
}

/** `alice: nick "Alice", gender Female, Tag_Profile_Custom_Team=core`. */
export function describeProfile(profile: UserProfile): string {
  const parts = [
    `nick ${JSON.stringify(profile[kTIMUserProfileNickName] ?? '')}`,
    `gender ${genderName(profile[kTIMUserProfileGender])}`,
  ];
  const custom = customFields(profile);
  if (custom) parts.push(custom);
  return `${profile[kTIMUserProfileIdentifier]}: ${parts.join(', ')}`;
}

/** A plain text table: a header row, a rule, the rows; columns padded to their widest cell. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `HH:MM:SS.mmm` of a date, local time. */
export function clock(date: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}`;
}
