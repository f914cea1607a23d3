// Bundles the Electron main process and the preload with esbuild.
// Usage: node main/electron/build.js [outDir]   (outDir defaults to dist/)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Native or Electron-provided modules: loaded from node_modules at run time, never bundled. */
export const EXTERNAL = ['electron', 'better-sqlite3', 'keytar'];

/** esbuild options for the two bundles, writing under outDir. */
export function buildOptions(outDir = path.join(ROOT, 'dist')) {
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    external: EXTERNAL,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  };
  return {
    main: {
      ...common,
      entryPoints: [path.join(ROOT, 'main/electron/app.ts')],
      outfile: path.join(outDir, 'main/electron/app.js'),
      format: 'esm',
      // Electron 45 runs Node 22.
      target: 'node22',
      // Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
      banner: { js: "import { createRequire as __kinexusCreateRequire } from 'node:module'; const require = __kinexusCreateRequire(import.meta.url);" },
    },
    preload: {
      ...common,
      entryPoints: [path.join(ROOT, 'preload/preload.ts')],
      outfile: path.join(outDir, 'preload/preload.cjs'),
      // Sandboxed preloads are CommonJS and may require only 'electron'.
      format: 'cjs',
      // Electron 45 ships Chromium 140.
      target: 'chrome140',
    },
  };
}

/**
 * Paths a bundle would resolve relative to its own location at run time
 * (`require('../x')`, `new URL('./x', import.meta.url)`), each with the source
 * file it came from (from esbuild's "// path" markers). Such paths pointed at a
 * source file's neighbours and are wrong once the code moves into dist/.
 */
export function findRelativeLoads(code) {
  const found = new Map();
  const patterns = [/\brequire\d*\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g, /\bnew URL\(\s*["'](\.{1,2}\/[^"']*)["']\s*,\s*import\.meta\.url\s*\)/g];
  const markers = [...code.matchAll(/^\/\/ (\S+\.[cm]?[jt]sx?)$/gm)];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const source = markers.filter((m) => m.index < match.index).at(-1)?.[1] ?? 'unknown source';
      found.set(`${source} ${match[1]}`, { source, path: match[1] });
    }
  }
  return [...found.values()];
}

/** Builds both bundles; resolves to their esbuild results. Fails on a bundle that loads files relative to itself. */
export async function build(outDir) {
  const options = buildOptions(outDir);
  const [main, preload] = await Promise.all([esbuild.build(options.main), esbuild.build(options.preload)]);
  for (const { outfile } of [options.main, options.preload]) {
    const loads = findRelativeLoads(fs.readFileSync(outfile, 'utf8'));
    if (loads.length > 0) {
      throw new Error(
        `The bundle ${path.basename(outfile)} would load files relative to itself, which breaks once bundled into dist/:\n` +
          loads.map((l) => `  ${l.source} loads "${l.path}"`).join('\n') +
          `\nImport such files statically (e.g. import pkg from '../../package.json' with { type: 'json' }) so esbuild inlines them.`,
      );
    }
  }
  return { main, preload };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  build(outDir).then(
    () => console.log(`Built main and preload into ${path.relative(process.cwd(), outDir ?? path.join(ROOT, 'dist')) || '.'}`),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
