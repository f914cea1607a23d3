import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The layering in ARCHITECTURE.md, checked on every source file:
// - shared/ imports nothing of ours outside shared/, and no package but zod;
// - renderer/ and preload/ import only shared/ outside their own folder;
//   neither imports Node built-ins; the renderer never imports electron;
// - nothing under main/ except main/electron imports electron;
// - a connector folder main/connectors/<x>/ never imports another connector's folder.

const ROOTS = ['shared', 'renderer', 'preload', 'main'];
const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', 'coverage']);
/** Build tooling that runs in Node, not in the page (e.g. renderer/vite.config.ts). */
const TOOLING_FILE = /\.config\.[cm]?[jt]s$/;
const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

interface SourceFile {
  /** Repository-relative path with forward slashes. */
  path: string;
  source: string;
}

interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

/**
 * Blanks out comments and template-literal text, and replaces each quoted
 * string by a numbered placeholder ('\0<n>\0'), so that import-like text in
 * comments or strings is never mistaken for an import. Regex literals are kept.
 */
function maskSource(source: string): { code: string; strings: string[] } {
  let out = '';
  const strings: string[] = [];
  let i = 0;
  let lastSignificant = '';
  let lastWord = '';
  const templateDepth: number[] = [];
  let braceDepth = 0;
  const regexMayFollow = () =>
    lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) || ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await'].includes(lastWord);
  const readQuoted = (quote: string) => {
    const start = i + 1;
    i++;
    while (i < source.length && source[i] !== quote && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
    strings.push(source.slice(start, i));
    i++;
    out += `${quote}\0${strings.length - 1}\0${quote}`;
  };
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  const readTemplate = () => {
    // From just after ` (or after the } closing a ${...}) to the closing ` or the next ${.
    const start = i;
    while (i < source.length) {
      if (source[i] === '\\') i += 2;
      else if (source[i] === '`') {
        out += blank(source.slice(start, i)) + '`';
        i++;
        return;
      } else if (source[i] === '$' && source[i + 1] === '{') {
        out += blank(source.slice(start, i)) + '${';
        i += 2;
        templateDepth.push(braceDepth);
        braceDepth++;
        return;
      } else i++;
    }
    out += blank(source.slice(start));
  };
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      readQuoted(c);
      lastSignificant = c;
      lastWord = '';
      continue;
    }
    if (c === '`') {
      out += c;
      i++;
      readTemplate();
      lastSignificant = '`';
      lastWord = '';
      continue;
    }
    if (c === '/' && regexMayFollow()) {
      const start = i;
      i++;
      let inClass = false;
      while (i < source.length && source[i] !== '\n') {
        if (source[i] === '\\') i += 2;
        else if (source[i] === '[') (inClass = true), i++;
        else if (source[i] === ']') (inClass = false), i++;
        else if (source[i] === '/' && !inClass) break;
        else i++;
      }
      i++;
      out += source.slice(start, i);
      lastSignificant = '/';
      lastWord = '';
      continue;
    }
    if (c === '{') braceDepth++;
    if (c === '}') {
      braceDepth--;
      if (templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braceDepth) {
        templateDepth.pop();
        out += c;
        i++;
        readTemplate();
        lastSignificant = '`';
        lastWord = '';
        continue;
      }
    }
    if (/[A-Za-z_$0-9]/.test(c)) {
      let j = i;
      while (j < source.length && /[A-Za-z_$0-9]/.test(source[j])) j++;
      lastWord = source.slice(i, j);
      lastSignificant = 'a';
      out += lastWord;
      i = j;
      continue;
    }
    if (!/\s/.test(c)) {
      lastSignificant = c;
      lastWord = '';
    }
    out += c;
    i++;
  }
  return { code: out, strings };
}

/** Every module specifier a file imports: import/export-from, side-effect and dynamic imports, require(). */
function importSpecifiers(source: string): string[] {
  const { code, strings } = maskSource(source);
  const str = `(['"])\\0(\\d+)\\0\\1`;
  const patterns = [
    new RegExp(`\\b(?:import|export)\\b[^'"\`;]*?\\bfrom\\s*${str}`, 'g'),
    new RegExp(`\\bimport\\s*${str}`, 'g'),
    new RegExp(`\\bimport\\s*\\(\\s*${str}\\s*[,)]`, 'g'),
    new RegExp(`\\brequire\\s*\\(\\s*${str}\\s*\\)`, 'g'),
  ];
  const found: string[] = [];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(strings[Number(match[2])]);
  return [...new Set(found)];
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(packageName(specifier));
}

/** main/connectors/<x>/... → x; files directly in main/connectors/ belong to no connector. */
function connectorOf(file: string): string | null {
  const match = /^main\/connectors\/([^/]+)\//.exec(file);
  return match ? match[1] : null;
}

/** Checks the import rules on a set of files; returns one entry per offending import. */
function checkImportRules(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const area = file.path.split('/')[0];
    const tooling = TOOLING_FILE.test(path.posix.basename(file.path));
    for (const specifier of importSpecifiers(file.source)) {
      const flag = (rule: string) => violations.push({ file: file.path, specifier, rule });
      const relative = specifier.startsWith('.');
      if (specifier.startsWith('/') || /^[A-Za-z]:[\\/]/.test(specifier)) {
        flag('imports use relative paths or package names, never absolute paths');
        continue;
      }
      const target = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier)) : null;
      const targetArea = target ? target.split('/')[0] : null;

      if (area === 'shared') {
        if (target && targetArea !== 'shared') flag('shared/ imports nothing of ours outside shared/');
        if (!target && packageName(specifier) !== 'zod') flag('shared/ is runtime-neutral: the only package it may import is zod');
      }

      if (area === 'renderer' || area === 'preload') {
        if (target && targetArea !== area && targetArea !== 'shared') flag(`${area}/ imports only shared/ outside its own folder`);
        if (!target && !tooling && isNodeBuiltin(specifier)) flag(`${area}/ runs in a sandboxed page: no Node built-ins`);
        if (!target && area === 'renderer' && packageName(specifier) === 'electron') flag('renderer/ never imports electron: it talks to the app only through the preload bridge');
      }

      if (area === 'main' && !file.path.startsWith('main/electron/') && !target && packageName(specifier) === 'electron') {
        flag('only main/electron/ may import electron; the core and everything else stays plain Node');
      }

      const from = connectorOf(file.path);
      // A specifier without an extension may name a connector folder itself (its index).
      const to = target ? connectorOf(/\.[A-Za-z]+$/.test(target) ? target : `${target}/`) : null;
      if (from && to && from !== to) flag(`a connector never imports another connector's files (${from} → ${to})`);
    }
  }
  return violations;
}

/** One readable line per violation: file → import: rule. */
function formatViolations(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.file} → '${v.specifier}': ${v.rule}`);
}

/** Reads every source file under the checked roots. */
function collectSources(repoRoot: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && SOURCE_EXT.test(entry.name)) {
        files.push({ path: path.relative(repoRoot, full).split(path.sep).join('/'), source: fs.readFileSync(full, 'utf8') });
      }
    }
  };
  for (const root of ROOTS) if (fs.existsSync(path.join(repoRoot, root))) walk(path.join(repoRoot, root));
  return files;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('import rules of this repository', () => {
  const files = collectSources(REPO_ROOT);

  it('finds the source tree (so the check cannot pass on nothing)', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain('shared/contract.ts');
    expect(paths).toContain('main/core/api.ts');
    expect(paths).toContain('main/electron/app.ts');
    expect(paths).toContain('preload/preload.ts');
  });

  it('holds for every file in shared/, renderer/, preload/ and main/', () => {
    expect(formatViolations(checkImportRules(files))).toEqual([]);
  });
});

describe('import specifier parsing', () => {
  it('reads static, multi-line, type-only, re-export, side-effect, dynamic and require imports', () => {
    const source = [
      "import { a } from './a.ts';",
      'import {',
      '  b,',
      '  c,',
      "} from '../b.ts';",
      "import type { T } from \"./types.ts\";",
      "import * as ns from 'ns';",
      "import def, { x } from 'pkg/sub';",
      "export { y } from './y.ts';",
      "export * from './star.ts';",
      "export type { Z } from './z.ts';",
      "import './side-effect.css';",
      "const lazy = await import('./lazy.ts');",
      "const withOptions = await import('./json.json', { with: { type: 'json' } });",
      "const cjs = require('cjs-pkg');",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(
      ['./a.ts', '../b.ts', './types.ts', 'ns', 'pkg/sub', './y.ts', './star.ts', './z.ts', './side-effect.css', './lazy.ts', './json.json', 'cjs-pkg'].sort(),
    );
  });

  it('ignores imports inside comments', () => {
    const source = [
      "// import { app } from 'electron';",
      '/* import fs from "node:fs"; */',
      '/**',
      " * Example: import { x } from 'node:path'",
      " * or await import('electron')",
      ' */',
      "const x = 1; // require('electron')",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([]);
  });

  it('does not mistake import statements written inside strings or templates for imports', () => {
    const source = [
      "const banner = \"import { createRequire } from 'node:module';\";",
      "const help = 'import pkg from \\'../../package.json\\'';",
      'const doc = `import { app } from "electron"`;',
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([]);
  });

  it('does not mistake URLs in strings, regex literals or import.meta for imports', () => {
    const source = [
      "const url = 'https://example.com/x'; import { a } from './a.ts';",
      "const re = /^https?:\\/\\//i; const q = /[\"'`]/g;",
      "const here = new URL('.', import.meta.url);",
      'const t = `value ${ok ? `nested` : "x"} // not a comment`;',
      "import { b } from './b.ts';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['./a.ts', './b.ts']);
  });
});

describe('import rule checker', () => {
  const check = (file: string, source: string) => checkImportRules([{ path: file, source }]);

  it('rejects shared/ importing a Node built-in, electron or another package', () => {
    expect(check('shared/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(check('shared/x.ts', "import path from 'path';")).toHaveLength(1);
    expect(check('shared/x.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(check('shared/x.ts', "import React from 'react';")).toHaveLength(1);
  });

  it('rejects shared/ importing our code outside shared/', () => {
    expect(check('shared/x.ts', "import { y } from '../main/core/api.ts';")).toMatchObject([{ rule: expect.stringContaining('shared/') }]);
  });

  it('allows shared/ to import zod and its own files', () => {
    expect(check('shared/x.ts', "import { z } from 'zod';\nimport { y } from './y.ts';\nimport { v4 } from 'zod/v4';")).toEqual([]);
  });

  it('rejects the renderer importing electron, a Node built-in or main/', () => {
    expect(check('renderer/api/x.ts', "import { ipcRenderer } from 'electron';")).toHaveLength(1);
    expect(check('renderer/api/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(check('renderer/views/x.tsx', "import type { CoreApi } from '../../main/core/api.ts';")).toHaveLength(1);
    expect(check('renderer/views/x.tsx', "import { b } from '../../preload/bridge.ts';")).toHaveLength(1);
  });

  it('allows the renderer shared/, its own files and npm packages, and its build config Node built-ins', () => {
    expect(check('renderer/views/x.tsx', "import { methods } from '../../shared/contract.ts';\nimport { y } from '../api/y.ts';\nimport { useQuery } from '@tanstack/react-query';")).toEqual([]);
    expect(check('renderer/vite.config.ts', "import { fileURLToPath } from 'node:url';\nimport { defineConfig } from 'vite';")).toEqual([]);
  });

  it('allows the preload electron and shared/, but not main/ or Node built-ins', () => {
    expect(check('preload/preload.ts', "import { contextBridge } from 'electron';\nimport { BRIDGE_GLOBAL } from '../shared/protocol.ts';")).toEqual([]);
    expect(check('preload/preload.ts', "import { x } from '../main/electron/ipc.ts';")).toHaveLength(1);
    expect(check('preload/preload.ts', "const fs = require('fs');")).toHaveLength(1);
  });

  it('rejects electron anywhere under main/ except main/electron/, even as a type-only import', () => {
    expect(check('main/core/core.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(check('main/store/db.ts', "import type { App } from 'electron';")).toHaveLength(1);
    expect(check('main/sync/engine.ts', "const { app } = await import('electron');")).toHaveLength(1);
    expect(check('main/electron/app.ts', "import { app } from 'electron';")).toEqual([]);
  });

  it("rejects a connector importing another connector's files", () => {
    expect(check('main/connectors/jira/streams.ts', "import { x } from '../confluence/client.ts';")).toMatchObject([{ rule: expect.stringContaining('jira → confluence') }]);
    expect(check('main/connectors/jira/streams.ts', "export { x } from '../github/map.ts';")).toHaveLength(1);
    expect(check('main/connectors/jira/deep/a.ts', "import { x } from '../../github/index.ts';")).toHaveLength(1);
    expect(check('main/connectors/jira/a.ts', "import * as gh from '../github';")).toHaveLength(1);
  });

  it('allows a connector its own files and the shared connector modules, and the registry every connector', () => {
    expect(check('main/connectors/jira/streams.ts', "import type { ConnectorSpec } from '../types.ts';\nimport { map } from './map.ts';\nimport { HttpClient } from '../../http/client.ts';")).toEqual([]);
    expect(check('main/connectors/registry.ts', "import { jira } from './jira/spec.ts';\nimport { github } from './github/spec.ts';")).toEqual([]);
  });

  it('rejects absolute import paths', () => {
    expect(check('main/core/x.ts', "import { y } from '/work/main/shared/contract.ts';")).toHaveLength(1);
  });

  it('reports each offence as a readable "file → import: rule" line', () => {
    const lines = formatViolations(checkImportRules([
      { path: 'main/core/bad.ts', source: "import { app } from 'electron';" },
      { path: 'shared/bad.ts', source: "import fs from 'node:fs';" },
    ]));
    expect(lines).toEqual([
      "main/core/bad.ts → 'electron': only main/electron/ may import electron; the core and everything else stays plain Node",
      "shared/bad.ts → 'node:fs': shared/ is runtime-neutral: the only package it may import is zod",
    ]);
  });
});
