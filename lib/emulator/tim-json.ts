/**
 * The TIM SDK's JSON shapes (`TIMUserProfile`, `TIMUserStatus`) built from the emulator's state;
 * the keys are the `kTIM*` constant values of the C headers.
 * @packageDocumentation
 */
import type { StoredProfile, UserStatus } from './context';

/** Prefix of every custom profile key. */
export const CUSTOM_KEY_PREFIX = 'Tag_Profile_Custom_';

/** `TIMUserProfile` as the C SDK delivers it. */
export interface TimUserProfileJson {
  user_profile_identifier: string;
  user_profile_nick_name: string;
  user_profile_gender: number;
  user_profile_face_url: string;
  user_profile_self_signature: string;
  user_profile_add_permission: number;
  user_profile_location: string;
  user_profile_language: number;
  user_profile_birthday: number;
  user_profile_level: number;
  user_profile_role: number;
  user_profile_custom_string_array: Array<{
    user_profile_custom_string_info_key: string;
    user_profile_custom_string_info_value: string;
  }>;
  /** Always `""`: the emulator has no friends. */
  user_profile_friend_remark: string;
}

/** `TIMUserStatus` as the C SDK delivers it. */
export interface TimUserStatusJson {
  user_status_identifier: string;
  user_status_status_type: number;
  user_status_custom_status: string;
  user_status_online_devices: string[];
}

/** The `TIMUserProfile` object of a stored profile. */
export function profileJson(p: StoredProfile): TimUserProfileJson {
  return {
    user_profile_identifier: p.userId,
    user_profile_nick_name: p.nick,
    user_profile_gender: p.gender,
    user_profile_face_url: p.faceUrl,
    user_profile_self_signature: p.selfSignature,
    user_profile_add_permission: p.addPermission,
    user_profile_location: p.location,
    user_profile_language: p.language,
    user_profile_birthday: p.birthday,
    user_profile_level: p.level,
    user_profile_role: p.role,
    user_profile_custom_string_array: Object.entries(p.custom).map(([key, value]) => ({
      user_profile_custom_string_info_key: key,
      user_profile_custom_string_info_value: value,
    })),
    user_profile_friend_remark: '',
  };
}

/** The `TIMUserStatus` object of a user's status. */
export function statusJson(userId: string, s: UserStatus): TimUserStatusJson {
  return {
    user_status_identifier: userId,
    user_status_status_type: s.type,
    user_status_custom_status: s.custom,
    user_status_online_devices: [...s.devices],
  };
}
