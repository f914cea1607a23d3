import os from 'node:os';
import path from 'node:path';

/** The app name Electron derives `userData` from. */
export const APP_NAME = 'Kinexus Desktop';

/**
 * The data directory shared by the app, the CLI and the headless host:
 * KINEXUS_DATA_DIR if set, else the path Electron's `app.getPath('userData')`
 * gives for APP_NAME on this platform.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const override = env.KINEXUS_DATA_DIR;
  if (override && override.trim() !== '') return path.resolve(override);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_NAME);
}
