// Types of build.js (plain JS so `npm run build:main` needs no TypeScript loader).
import type { BuildOptions, BuildResult } from 'esbuild';

/** Native or Electron-provided modules left external. */
export declare const EXTERNAL: string[];
/** esbuild options for the main and preload bundles, writing under outDir (default dist/). */
export declare function buildOptions(outDir?: string): { main: BuildOptions & { outfile: string }; preload: BuildOptions & { outfile: string } };
/** Paths the bundled code would resolve relative to its own location at run time, with their source files. */
export declare function findRelativeLoads(code: string): { source: string; path: string }[];
/** Builds both bundles; rejects on a bundle that loads files relative to itself. */
export declare function build(outDir?: string): Promise<{ main: BuildResult<{ metafile: true }>; preload: BuildResult<{ metafile: true }> }>;
