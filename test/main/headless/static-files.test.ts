import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor, readStaticFile, resolveStaticPath } from '../../../main/headless/static-files.ts';

describe('resolveStaticPath', () => {
  const root = '/srv/renderer';

  it('maps / to index.html and plain paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe('/srv/renderer/index.html');
    expect(resolveStaticPath(root, '/?token=x')).toBe('/srv/renderer/index.html');
    expect(resolveStaticPath(root, '/assets/app-1.js')).toBe('/srv/renderer/assets/app-1.js');
    expect(resolveStaticPath(root, '/assets/a%20b.css')).toBe('/srv/renderer/assets/a b.css');
  });

  it('refuses traversal in every spelling, dotfiles, NUL, backslashes and bad escapes', () => {
    for (const url of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/%2E%2E%5csecret.txt',
      '/..\\secret.txt',
      '/.env',
      '/index.html%00.js',
      '/%E0%A4%A',
      'secret.txt',
    ]) {
      expect(resolveStaticPath(root, url), url).toBeNull();
    }
  });
});

describe('contentTypeFor', () => {
  it('gives the types the renderer build uses', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});

describe('readStaticFile', () => {
  let dir: string;
  let root: string;

  beforeAll(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kinexus-static-')));
    root = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'export {}');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'escape.txt'));
    fs.symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'alias.js'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads files inside the root with their content type', async () => {
    const index = await readStaticFile(root, '/');
    expect(index?.body.toString()).toBe('<!doctype html>');
    expect(index?.contentType).toContain('text/html');
    expect((await readStaticFile(root, '/alias.js'))?.body.toString()).toBe('export {}');
  });

  it('refuses directories, missing files and symlinks that leave the root', async () => {
    expect(await readStaticFile(root, '/assets')).toBeNull();
    expect(await readStaticFile(root, '/nope.js')).toBeNull();
    expect(await readStaticFile(root, '/escape.txt')).toBeNull();
    expect(await readStaticFile(root, '/../secret.txt')).toBeNull();
  });
});
