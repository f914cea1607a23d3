import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The Electron binary cannot be downloaded on our build machines, so the
// packaging is checked offline: electron-builder packs against a stand-in
// Electron distribution whose "binary" carries a real fuse wire, and the
// result is inspected: what the asar holds, what is unpacked, which fuses
// were flipped. Installers (AppImage, deb, dmg, nsis) are built by
// `npm run dist` on a machine that can download Electron.

const require = createRequire(import.meta.url);
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's default wire: RunAsNode, CookieEncryption, NodeOptions, CliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocol.
const DEFAULT_WIRE = '10110001';

let work: string;
let unpacked: string;
let asarFiles: string[];

function standInElectron(dir: string): void {
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const script = Buffer.from('#!/bin/sh\necho "stand-in Electron: packaging check only"\nexit 0\n# ');
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE)]);
  fs.writeFileSync(path.join(dir, 'electron'), Buffer.concat([script, wire, Buffer.from('\n')]), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'stand-in');
  fs.writeFileSync(path.join(dir, 'version'), '45.5.0');
}

beforeAll(() => {
  if (!fs.existsSync('dist/renderer/index.html') || !fs.existsSync('dist/main/electron/app.js') || !fs.existsSync('dist/preload/preload.cjs')) {
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-pack-'));
  const electronDist = path.join(work, 'electron-dist');
  standInElectron(electronDist);
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const r = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      `-c.electronVersion=${electronVersion}`,
      // Rebuilding native modules for Electron needs its headers from the network.
      '-c.npmRebuild=false',
      `-c.directories.output=${path.join(work, 'out')}`,
    ],
    { encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_CACHE: path.join(work, 'cache') } },
  );
  if (r.status !== 0) throw new Error(`electron-builder failed:\n${r.stdout}\n${r.stderr}`);
  unpacked = path.join(work, 'out', 'linux-unpacked');
  const asar = require('@electron/asar') as { listPackage(p: string, o: object): string[] };
  asarFiles = asar.listPackage(path.join(unpacked, 'resources', 'app.asar'), {}).map((f) => f.replace(/\\/g, '/'));
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('packaged app (linux-unpacked, offline)', () => {
  it('holds the built main, preload and renderer in the asar', () => {
    for (const f of ['/package.json', '/dist/main/electron/app.js', '/dist/preload/preload.cjs', '/dist/renderer/index.html']) expect(asarFiles).toContain(f);
    expect(asarFiles.some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
  });

  it('unpacks the native modules from the asar', () => {
    const unpackedDir = path.join(unpacked, 'resources', 'app.asar.unpacked');
    const nodeFiles = fs.readdirSync(unpackedDir, { recursive: true }).map(String).filter((f) => f.endsWith('.node'));
    expect(nodeFiles.some((f) => f.endsWith('better_sqlite3.node'))).toBe(true);
    expect(nodeFiles.some((f) => f.endsWith('keytar.node'))).toBe(true);
  });

  it('ships the Nova Act worker as a plain file beside the asar', () => {
    const worker = path.join(unpacked, 'resources', 'nova-act', 'worker.py');
    expect(fs.readFileSync(worker, 'utf8')).toBe(fs.readFileSync('main/automation/python/worker.py', 'utf8'));
  });

  it('ships no tests, emulators, TypeScript sources or source maps', () => {
    const offending = asarFiles.filter((f) => /\.map$/.test(f) || /^\/(test|bench|main|renderer|shared|preload)\//.test(f) || /\/emulators\//.test(f) || (/\.(ts|tsx)$/.test(f) && !f.endsWith('.d.ts')));
    expect(offending).toEqual([]);
  });

  it('flips the Electron fuses that matter', () => {
    const bin = fs.readFileSync(path.join(unpacked, 'kinexus-desktop'));
    const at = bin.indexOf(SENTINEL) + SENTINEL.length;
    const wire = bin.subarray(at + 2, at + 2 + bin[at + 1]).toString('latin1');
    expect({
      runAsNode: wire[0],
      cookieEncryption: wire[1],
      nodeOptions: wire[2],
      cliInspect: wire[3],
      asarIntegrity: wire[4],
      onlyLoadAppFromAsar: wire[5],
    }).toEqual({ runAsNode: '0', cookieEncryption: '1', nodeOptions: '0', cliInspect: '0', asarIntegrity: '1', onlyLoadAppFromAsar: '1' });
  });
});
