import pkg from '../../package.json' with { type: 'json' };

/** The app version from package.json (inlined when bundled for Electron). */
export const VERSION: string = pkg.version;
