import fs from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Content-Type for a file name; unknown types are served as opaque bytes (with nosniff). */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request target to a path inside `root`, or null when it is not a
 * plain file path there: undecodable, NUL bytes, backslashes, any `.`-prefixed
 * segment (which covers `..` and dotfiles, encoded or not). `/` maps to
 * index.html. Symlinks are resolved later by readStaticFile.
 */
export function resolveStaticPath(root: string, url: string): string | null {
  const rawPath = url.split(/[?#]/, 1)[0];
  if (!rawPath.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null;
  if (segments.length === 0) segments.push('index.html');
  const resolved = path.resolve(root, ...segments);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return resolved;
}

export type StaticFile = { body: Buffer; contentType: string };

/**
 * Reads a regular file that really lies inside `rootReal` (the realpath of the
 * renderer dir), following symlinks only when their target stays inside.
 * Returns null for anything else.
 */
export async function readStaticFile(rootReal: string, url: string): Promise<StaticFile | null> {
  const candidate = resolveStaticPath(rootReal, url);
  if (!candidate) return null;
  try {
    const real = await fs.realpath(candidate);
    const rel = path.relative(rootReal, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    const stat = await fs.stat(real);
    if (!stat.isFile()) return null;
    return { body: await fs.readFile(real), contentType: contentTypeFor(real) };
  } catch {
    return null;
  }
}
