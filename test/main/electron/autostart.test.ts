import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinuxAutostart, autostartDir, desktopEntry } from '../../../main/electron/autostart.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-autostart-'));
  dirs.push(d);
  return path.join(d, 'autostart');
}

describe('launch at login on Linux', () => {
  it('writes a desktop entry that starts the app hidden, and reads the real state back', () => {
    const a = new LinuxAutostart('/opt/Kinexus Desktop/kinexus-desktop', [], tmp());
    expect(a.isEnabled()).toBe(false);
    a.setEnabled(true);
    expect(a.isEnabled()).toBe(true);
    const text = fs.readFileSync(a.file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]/);
    expect(text).toContain('Exec="/opt/Kinexus Desktop/kinexus-desktop" --hidden');
    a.setEnabled(false);
    expect(fs.existsSync(a.file)).toBe(false);
    expect(a.isEnabled()).toBe(false);
    a.setEnabled(false); // removing twice is fine
  });

  it('treats an entry the user disabled in their session settings as off', () => {
    const a = new LinuxAutostart('/usr/bin/kinexus', [], tmp());
    a.setEnabled(true);
    fs.appendFileSync(a.file, 'Hidden=true\n');
    expect(a.isEnabled()).toBe(false);
    a.setEnabled(true);
    fs.writeFileSync(a.file, fs.readFileSync(a.file, 'utf8').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(a.isEnabled()).toBe(false);
  });

  it('follows XDG_CONFIG_HOME', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/autostart');
    expect(autostartDir({}, '/home/u')).toBe('/home/u/.config/autostart');
  });

  it('quotes paths with spaces and shell characters', () => {
    expect(desktopEntry('/a b/$c', ['--x'])).toContain('Exec="/a b/\\$c" --x --hidden');
  });
});
