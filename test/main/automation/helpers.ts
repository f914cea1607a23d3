import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AutomationRun } from '../../../shared/automation.ts';
import { createCore, type Core, type CoreOptions } from '../../../main/core/core.ts';
import { isAlive } from '../../../main/automation/processes.ts';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The stand-in nova_act package (importable straight from its source folder). */
export const STAND_IN = path.join(REPO, 'test', 'fixtures', 'nova_act');
export const STAND_IN_SRC = path.join(STAND_IN, 'src');

/** The environment the Python processes get: the user's, plus the stand-in on PYTHONPATH (and no __pycache__ in the checkout). */
export function standInEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: STAND_IN_SRC, PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

/** Products the test shop lists for a query: the fixture data the extraction is checked against. */
export const PRODUCTS = [
  { name: 'Laptop Pro 14', price: 1899.5 },
  { name: 'Laptop Air 13', price: 999 },
  { name: 'Laptop stand', price: 49.9 },
  { name: 'USB-C mouse', price: 19 },
];

export function productsFor(q: string): { name: string; price: number }[] {
  return PRODUCTS.filter((p) => p.name.toLowerCase().includes(q.toLowerCase()));
}

export interface Site {
  /** http://127.0.0.1:<port><path> */
  url(p?: string): string;
  port: number;
  close(): Promise<void>;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

/**
 * A small shop served on 127.0.0.1: a home page with a "Next" link, a search
 * form, a results table, a link to another host (localhost, for the domain
 * guardrail), a "More" link that never ends, and a button that freezes the page.
 */
export async function startSite(): Promise<Site> {
  let port = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (html: string, status = 200) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    switch (u.pathname) {
      case '/':
        return send(page('Shop', '<h1>Welcome to the shop</h1><p><a href="/search">Next</a></p><p><a href="/more?n=1">More</a></p><p><a href="/hang">Frozen page</a></p>'));
      case '/search':
        return send(page('Search', '<h1>Search</h1><form action="/results"><label>Search <input name="q"></label><button>Go</button></form>'));
      case '/results': {
        const q = u.searchParams.get('q') ?? '';
        const rows = productsFor(q)
          .map((p) => `<tr><td>${p.name}</td><td>$${p.price}</td></tr>`)
          .join('');
        return send(page('Results', `<h1>Results for ${q}</h1><table><thead><tr><th>Name</th><th>Price</th></tr></thead><tbody>${rows}</tbody></table><p><a href="http://localhost:${port}/elsewhere">Leave</a></p>`));
      }
      case '/more': {
        const n = Number(u.searchParams.get('n') ?? '1');
        return send(page(`More ${n}`, `<h1>Page ${n}</h1><a href="/more?n=${n + 1}">More</a>`));
      }
      case '/hang':
        return send(page('Frozen', '<h1>Frozen</h1><button onclick="for(;;){}">Freeze</button>'));
      case '/elsewhere':
        return send(page('Elsewhere', '<h1>Another site</h1>'));
      default:
        return send(page('Not found', '<h1>Not found</h1>'), 404);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (p = '/') => `http://127.0.0.1:${port}${p}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const TIMING = { hardTimeoutGraceMs: 1500, silenceMs: 15_000, heartbeatSeconds: 1, helloTimeoutMs: 30_000, startTimeoutMs: 30_000 };

export interface Fixture {
  core: Core;
  dir: string;
  secrets: MemorySecretStore;
  events: { event: string; data: any }[];
}

/** A core on a fresh data directory, driving the stand-in SDK in real Chromium. */
export async function makeCore(opts: Partial<CoreOptions> & { dir?: string; secrets?: MemorySecretStore } = {}): Promise<Fixture> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kx-auto-'));
  const secrets = opts.secrets ?? new MemorySecretStore();
  const core = await createCore({ ...opts, dataDir: dir, secretStore: secrets, automation: { env: standInEnv(), timing: TIMING, ...opts.automation } });
  const events: Fixture['events'] = [];
  core.onEvent((event, data) => events.push({ event, data }));
  return { core, dir, secrets, events };
}

/** Every process whose command line mentions `needle` (e.g. a run folder: the browser's --user-data-dir). */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(needle) && isAlive(Number(entry))) out.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return out;
}

/** Records the worker and browser pids of a run while it runs (they are gone from the core afterwards). */
export function watchPids(core: Core): Map<string, { worker?: number; browser?: number }> {
  const seen = new Map<string, { worker?: number; browser?: number }>();
  core.onEvent((event, data) => {
    if (event !== 'automation.step' && event !== 'automation.run.started') return;
    const runId = (data as { runId?: string; run?: AutomationRun }).runId ?? (data as { run: AutomationRun }).run.id;
    const s = core.automations.runner.byRun(runId);
    const cur = seen.get(runId) ?? {};
    if (s?.workerPid) cur.worker = s.workerPid;
    if (s?.browserPid) cur.browser = s.browserPid;
    seen.set(runId, cur);
  });
  return seen;
}

/** Asserts that nothing a run started is still running: its worker, its browser, any process naming its folder. */
export function leftovers(run: AutomationRun, pids: { worker?: number; browser?: number } | undefined): string[] {
  const left: string[] = [];
  if (pids?.worker && isAlive(pids.worker)) left.push(`worker ${pids.worker}`);
  if (pids?.browser && isAlive(pids.browser)) left.push(`browser ${pids.browser}`);
  for (const pid of processesMentioning(run.artifactsDir)) left.push(`process ${pid} (${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 80)})`);
  return left;
}

/** Waits (really) until `pred` holds. */
export async function until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Builds the stand-in's wheel into `dir` with its stdlib-only builder. */
export function buildStandInWheel(dir: string): string {
  return execFileSync('python3', [path.join(STAND_IN, 'build_wheel.py'), dir], { encoding: 'utf8' }).trim();
}

/** An automation definition against the test site. */
export function shopAutomation(site: Site, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Laptop prices',
    startUrl: site.url('/'),
    steps: [
      { instruction: "click the 'Next' link" },
      { instruction: "type 'laptop' into the 'Search' field and press enter" },
      {
        instruction: 'list the products with their prices',
        schema: { type: 'object', properties: { products: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } }, required: ['name', 'price'] } } }, required: ['products'] },
        kind: 'product',
      },
    ],
    timeoutSeconds: 30,
    ...over,
  };
}
