import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realKeychainAvailable } from '../../helpers/keychain.ts';
import { productsFor, REPO, shopAutomation, standInEnv, startSite, type Site } from './helpers.ts';

// `kinexus automations …` (main/cli/automation-commands.ts), run as the real command.

const BIN = path.join(REPO, 'main/cli/bin.js');
const CANARY = `nova-CLI-CANARY-${Math.random().toString(36).slice(2)}`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dataDir: string, args: string[], stdin?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: standInEnv({ KINEXUS_DATA_DIR: dataDir }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

let site: Site;
const dirs: string[] = [];
function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-acli-'));
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('kinexus automations', () => {
  it('rejects a bad definition naming the field, with exit code 2, and stores nothing', async () => {
    const dir = dataDir();
    const r = await cli(dir, ['automations', 'add', '--name', 'Bad', '--url', 'ftp://example.com', '--step', 'click it']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/startUrl: must be an http:\/\/ or https:\/\/ URL/);
    expect(r.stderr).toMatch(/→ Fix "startUrl" and try again/);
    const db = new Database(path.join(dir, 'kinexus.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM automations').get()).toEqual({ n: 0 });
    db.close();
  });
});

const keychain = await realKeychainAvailable();

describe.skipIf(!keychain.ok)(`kinexus automations with the real OS keychain${keychain.ok ? '' : ` (skipped: ${keychain.reason})`}`, { timeout: 120_000 }, () => {
  it('stores the key from stdin (Nova Act ready), adds and runs an automation with --json, exits 1 on a failed run; the key appears nowhere', async () => {
    const dir = dataDir();
    const outputs: string[] = [];
    const run = async (args: string[], stdin?: string) => {
      const r = await cli(dir, args, stdin);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const key = await run(['automations', 'api-key', '--stdin', '--json'], `${CANARY}\n`);
    expect(key.code, key.stderr).toBe(0);
    expect(JSON.parse(key.stdout)).toMatchObject({ ready: true, summary: 'Nova Act ready', apiKeySet: true });

    const file = path.join(dir, 'automation.json');
    fs.writeFileSync(file, JSON.stringify(shopAutomation(site)));
    const add = await run(['automations', 'add', '--file', file, '--json']);
    expect(add.code, add.stderr).toBe(0);
    const id = JSON.parse(add.stdout).id as string;

    const r = await run(['automations', 'run', 'laptop prices', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ automationId: id, trigger: 'cli', status: 'succeeded' });
    expect(result.steps[2].extracted).toEqual({ products: productsFor('laptop') });

    expect(result.steps[2].recordsSaved).toBe(productsFor('laptop').length);

    // A run that fails exits 1 and says why and what to do (here: the key was removed).
    expect((await run(['automations', 'api-key', '--clear'])).code).toBe(0);
    const bad = await run(['automations', 'run', id]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗ Laptop prices — failed in .* \(run ar-.*, cli\)/);
    expect(bad.stdout).toMatch(/1 – click the 'Next' link/);
    expect(bad.stdout).toMatch(/Nova Act is not ready: No Nova Act API key is stored\.\n  → Add it: kinexus automations api-key/);

    for (const o of outputs) expect(o).not.toContain(CANARY);
    const db = fs.readFileSync(path.join(dir, 'kinexus.db'));
    expect(db.includes(CANARY)).toBe(false);
  });
});
