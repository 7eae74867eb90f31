/**
 * The per-user folders TIMInit gets when the caller names none: the vendor library needs existing
 * folders for its local database (config) and its log files.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The two folders TIMInit needs. */
export interface SdkDirs {
  /** `sdk_config_config_file_path`: configuration and local database. */
  config: string;
  /** `sdk_config_log_file_path`: log files. */
  log: string;
}

/**
 * Base folder of tim-native's per-user data:
 * `$TIM_NATIVE_DATA_DIR` when set; else on Linux `$XDG_DATA_HOME/tim-native` (default
 * `~/.local/share/tim-native`), on macOS `~/Library/Application Support/tim-native`, on Windows
 * `%APPDATA%\tim-native`.
 */
export function dataBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TIM_NATIVE_DATA_DIR) return env.TIM_NATIVE_DATA_DIR;
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'tim-native');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'tim-native');
    default:
      return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'tim-native');
  }
}

/**
 * The default folders of one SDKAppID: `<dataBaseDir()>/<sdkAppId>/config` and `.../log`.
 * Nothing is created here; see {@link ensureDir}.
 */
export function defaultSdkDirs(sdkAppId: bigint, env: NodeJS.ProcessEnv = process.env): SdkDirs {
  const base = path.join(dataBaseDir(env), sdkAppId.toString());
  return { config: path.join(base, 'config'), log: path.join(base, 'log') };
}

/**
 * Creates `dir` and its parents when missing (mode 0700: the database holds user data). Throws an
 * Error that names the folder and the reason when it cannot.
 */
export function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new Error(`tim-native: cannot create the SDK folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
}
