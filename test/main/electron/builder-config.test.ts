import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// electron-builder's own YAML parser and schema validator (devDependencies of electron-builder).
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};

type Config = Record<string, any>;
const config = yaml.load(fs.readFileSync('electron-builder.yml', 'utf8')) as Config;

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", { timeout: 180_000 }, async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('names the app as the keychain service and data dir expect', () => {
    expect(config.appId).toBe('dev.kinexus.desktop');
    expect(config.productName).toBe('Kinexus Desktop');
  });

  it('packs only dist/ and package.json, without source maps, TypeScript sources, tests or emulators', () => {
    const files = config.files as string[];
    expect(files).toContain('package.json');
    expect(files).toContain('dist/**/*');
    expect(files).toContain('!**/*.map');
    expect(files).toContain('!**/*.{ts,tsx,mts,cts}');
    expect(files.some((f) => f.startsWith('!') && f.includes('test') && f.includes('emulators'))).toBe(true);
    // Everything included is either dist/, package.json or an exclusion.
    expect(files.filter((f) => !f.startsWith('!') && f !== 'package.json' && !f.startsWith('dist/'))).toEqual([]);
  });

  it('unpacks native addons from the asar and rebuilds them for Electron', () => {
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('builds AppImage and deb (Office) on Linux, dmg on macOS, nsis on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Office');
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });
});
