import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from '../shared/csp.ts';

/**
 * The CSP the page carries itself, so it also holds when Electron loads the
 * build from file:// (the headless host sends the same policy as a header,
 * plus frame-ancestors, which a meta tag cannot express).
 */
const META_CSP = META_CONTENT_SECURITY_POLICY;

/** Adds the CSP meta tag to the built index.html only: the dev server injects inline styles for HMR. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'kinexus-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CSP }, injectTo: 'head-prepend' }],
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs, so the same build loads from the headless host and from file:// in Electron.
  base: './',
  plugins: [contentSecurityPolicy()],
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The polyfill would be the only reason for extra script; every supported Chromium has modulepreload.
    modulePreload: { polyfill: false },
    // Keep every asset a file: data: URLs for fonts/scripts would fall foul of the CSP.
    assetsInlineLimit: 0,
    rolldownOptions: {
      onLog(level, log, handler) {
        // React Query marks its hooks "use client" for server-component bundlers; irrelevant in a plain SPA.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
});
