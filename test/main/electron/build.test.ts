import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL, build, buildOptions, findRelativeLoads } from '../../../main/electron/build.js';

describe('findRelativeLoads', () => {
  it('finds require() and new URL(..., import.meta.url) of relative paths', () => {
    const code = [
      '// main/core/core.ts',
      'const VERSION = require2("../../package.json").version;',
      '',
      '// main/automation/runner.ts',
      "const worker = new URL('./python/worker.py', import.meta.url);",
      'const ok = require("node:fs"); const ok2 = __require("keytar");',
    ].join('\n');
    expect(findRelativeLoads(code)).toEqual([
      { source: 'main/core/core.ts', path: '../../package.json' },
      { source: 'main/automation/runner.ts', path: './python/worker.py' },
    ]);
  });

  it('finds nothing in code that loads only packages and built-ins', () => {
    expect(findRelativeLoads('import x from "electron"; require("better-sqlite3");')).toEqual([]);
  });
});

describe('bundle options', () => {
  it('leaves electron and the native modules external', () => {
    expect(EXTERNAL.sort()).toEqual(['better-sqlite3', 'electron', 'keytar']);
    const { main, preload } = buildOptions('/out');
    expect(main.external).toEqual(EXTERNAL);
    expect(preload.external).toEqual(EXTERNAL);
  });

  it('writes main as ESM to dist/main/electron/app.js and preload as CommonJS to dist/preload/preload.cjs', () => {
    const { main, preload } = buildOptions(path.resolve('/out'));
    expect(main).toMatchObject({ format: 'esm', platform: 'node', bundle: true, outfile: path.resolve('/out/main/electron/app.js') });
    expect(preload).toMatchObject({ format: 'cjs', platform: 'node', bundle: true, outfile: path.resolve('/out/preload/preload.cjs') });
  });

  it('defaults to the dist/ that package.json "main" points into', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { main: string };
    expect(path.relative(process.cwd(), buildOptions().main.outfile).split(path.sep).join('/')).toBe(pkg.main);
  });
});

describe('preload bundle', () => {
  let outDir: string;
  let code: string;
  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-preload-'));
    const options = buildOptions(outDir).preload;
    await esbuild.build(options);
    code = fs.readFileSync(options.outfile, 'utf8');
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('is CommonJS that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const requires = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('exposes the bridge through contextBridge under the shared global name', () => {
    expect(code).toContain('exposeInMainWorld');
    expect(code).toContain('kinexus:call');
    expect(code).toContain('kinexus:event');
  });
});

describe('main bundle', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-main-'));
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('bundles the app with electron, better-sqlite3 and keytar left external and no file loaded relative to the bundle', async () => {
    const { main } = await build(outDir);
    const inputs = Object.keys(main.metafile.inputs);
    expect(inputs).toContain('main/electron/app.ts');
    for (const external of EXTERNAL) expect(inputs.some((i) => i.includes(`node_modules/${external}/`))).toBe(false);
    const code = fs.readFileSync(path.join(outDir, 'main/electron/app.js'), 'utf8');
    expect(code).toMatch(/from "electron"/);
  }, 60_000);
});
