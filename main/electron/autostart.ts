import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** File name of the XDG autostart entry. */
export const AUTOSTART_FILE = 'kinexus-desktop.desktop';

/** The autostart folder: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function autostartDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart');
}

/** The desktop entry that starts the app hidden in the tray at login. */
export function desktopEntry(execPath: string, args: string[] = []): string {
  const quote = (s: string) => (/[\s"'\\$`]/.test(s) ? `"${s.replace(/(["\\$`])/g, '\\$1')}"` : s);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Kinexus Desktop',
    'Comment=Your work systems in one place',
    `Exec=${[execPath, ...args, '--hidden'].map(quote).join(' ')}`,
    'Icon=kinexus-desktop',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Launch at login on Linux: writes or removes the XDG autostart entry, and
 * reads back the real state (an entry disabled with Hidden=true or
 * X-GNOME-Autostart-enabled=false counts as off).
 */
export class LinuxAutostart {
  constructor(
    private readonly execPath: string,
    private readonly args: string[] = [],
    private readonly dir = autostartDir(),
  ) {}

  get file(): string {
    return path.join(this.dir, AUTOSTART_FILE);
  }

  isEnabled(): boolean {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return false;
    }
    if (/^Hidden\s*=\s*true\s*$/im.test(text)) return false;
    if (/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/im.test(text)) return false;
    return /^Exec\s*=/m.test(text);
  }

  setEnabled(enabled: boolean): void {
    if (enabled) {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.file}.tmp`;
      fs.writeFileSync(tmp, desktopEntry(this.execPath, this.args), { mode: 0o644 });
      fs.renameSync(tmp, this.file);
    } else {
      fs.rmSync(this.file, { force: true });
    }
  }
}
