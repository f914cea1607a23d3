import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/server.ts';
import { realKeychainAvailable } from '../../helpers/keychain.ts';

const BIN = path.resolve('main/cli/bin.js');
const CANARY = `ghp_CANARY_${Math.random().toString(36).slice(2)}_9f8e7d`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dataDir: string, args: string[], stdin?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KINEXUS_DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const dirs: string[] = [];
function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-cli-'));
  dirs.push(d);
  return d;
}

let gh: GitHubEmulator;
beforeAll(async () => {
  gh = await startGitHubEmulator({ clock: 'real' });
  gh.state.addUser({ login: 'octo', name: 'Octo Cat', token: CANARY, scopes: ['repo'] });
  gh.state.addRepo({ owner: 'acme', name: 'api', private: true, visibleTo: ['octo'] });
  gh.state.addIssue('acme/api', { title: 'Payment webhook drops retries', body: 'Stripe webhook retries are ignored' });
  gh.state.addIssues('acme/api', 30);
  gh.state.addCommits('acme/api', 12);
});
afterAll(async () => {
  await gh.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// Each case spawns the real CLI (tsx + native modules): slow on a busy 2-core machine.
describe('kinexus CLI basics', { timeout: 180_000 }, () => {
  it('--help lists the commands', async () => {
    const r = await cli(dataDir(), ['--help']);
    expect(r.code).toBe(0);
    for (const c of ['status', 'connectors', 'integrations', 'serve', 'sync', 'runs', 'logs', 'search', 'records']) expect(r.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
  });

  it('status --json describes an empty workspace', async () => {
    const dir = dataDir();
    const r = await cli(dir, ['status', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ dataDir: dir, integrations: [], health: [] });
    expect(['available', 'locked', 'unavailable']).toContain(s.keychain.state);
    expect(s.schemaVersion).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad input naming the field, exits non-zero and writes nothing', async () => {
    const dir = dataDir();
    const cases: [string[], RegExp][] = [
      [['integrations', 'add', 'gitlab', '--name', 'X'], /Unknown connector "gitlab"/],
      [['integrations', 'add', 'github', '--name', 'X', '--config', '{"repositories":["nope"]}'], /settings\.repositories\.0: use owner\/name/],
      [['integrations', 'add', 'github', '--name', 'X', '--config', '{not json'], /--config is not valid JSON/],
      [['integrations', 'add', 'github', '--name', 'X', '--config', '{"repositories":["a/b"],"repo":1}'], /Unrecognized key: "repo"/],
      [['integrations', 'show', 'missing'], /No integration with id or name "missing"/],
      [['logs', 'run-nope'], /No sync run "run-nope"/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(dir, args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
    const status = JSON.parse((await cli(dir, ['status', '--json'])).stdout);
    expect(status.integrations).toEqual([]);
  });

  it('never echoes secrets given on stdin when they are malformed', async () => {
    const r = await cli(dataDir(), ['integrations', 'add', 'github', '--name', 'X', '--config', '{"repositories":["a/b"]}', '--secrets-stdin'], `{"token": "${CANARY}"`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });
});

const keychain = await realKeychainAvailable();

describe.skipIf(!keychain.ok)(`kinexus CLI with the real OS keychain${keychain.ok ? '' : ` (skipped: ${keychain.reason})`}`, { timeout: 300_000 }, () => {
  it('adds, tests, syncs, searches and removes a GitHub integration; the canary token appears nowhere', async () => {
    const dir = dataDir();
    const outputs: string[] = [];
    const run = async (args: string[], stdin?: string) => {
      const r = await cli(dir, args, stdin);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const add = await run(['integrations', 'add', 'github', '--name', 'Acme GitHub', '--config', JSON.stringify({ baseUrl: gh.url, repositories: ['acme/api'] }), '--secrets-stdin', '--json'], JSON.stringify({ token: CANARY }));
    expect(add.code, add.stderr).toBe(0);
    const id = JSON.parse(add.stdout).id as string;
    expect(JSON.parse(add.stdout).secrets).toEqual({ token: true });

    const test = await run(['integrations', 'test', id, '--json']);
    expect(test.code, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, identity: 'octo (Octo Cat)', scopes: ['repo'], reachable: [{ name: 'acme/api', ok: true }] });

    const shown = await run(['integrations', 'show', 'acme github', '--json']);
    expect(JSON.parse(shown.stdout).lastTest.ok).toBe(true);

    const sync = await run(['sync', id, '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    const runRecord = JSON.parse(sync.stdout);
    expect(runRecord).toMatchObject({ status: 'succeeded', trigger: 'cli', counts: { added: 31 + 12 } });

    const search = await run(['search', 'webhook', 'retries', '--json']);
    expect(JSON.parse(search.stdout).hits[0]).toMatchObject({ title: '#1 Payment webhook drops retries', kind: 'issue' });
    const records = await run(['records', '--kind', 'commit', '--json']);
    expect(JSON.parse(records.stdout).total).toBe(12);
    const runs = await run(['runs', '--json']);
    expect(JSON.parse(runs.stdout)[0].id).toBe(runRecord.id);
    const logs = await run(['logs', runRecord.id]);
    expect(logs.stdout).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/api\/issues\?.* → 200/);
    await run(['status', '--json']);
    await run(['integrations', 'list']);
    await run(['integrations', 'disable', id]);
    const disabledSync = await run(['sync', id]);
    expect(disabledSync.code).not.toBe(0);
    expect(disabledSync.stderr).toMatch(/is disabled/);
    await run(['integrations', 'enable', id]);

    // The canary never leaves the keychain: not in the database, its WAL, the logs, or any output.
    for (const o of outputs) expect(o).not.toContain(CANARY);
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['kinexus.db', 'app.log']));
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(f.parentPath, f.name));
      expect(bytes.includes(Buffer.from(CANARY)), `${f.name} holds the canary`).toBe(false);
    }

    const removed = await run(['integrations', 'remove', id]);
    expect(removed.code).toBe(0);
    const after = await run(['status', '--json']);
    expect(JSON.parse(after.stdout).integrations).toEqual([]);
    // remove deleted the keychain entry: re-adding with the same id is impossible, so check the store directly.
    const { KeytarSecretStore } = await import('../../../main/secrets/keytar-store.ts');
    expect(await new KeytarSecretStore().get(`${id}/token`)).toBeNull();
  });

  it('a failing connection test exits non-zero and says what to do', async () => {
    const dir = dataDir();
    const add = await cli(dir, ['integrations', 'add', 'github', '--name', 'Bad', '--config', JSON.stringify({ baseUrl: gh.url, repositories: ['acme/api', 'acme/ghost'] }), '--secrets-stdin', '--json'], JSON.stringify({ token: 'ghp_wrong_token_000' }));
    const id = JSON.parse(add.stdout).id;
    const t = await cli(dir, ['integrations', 'test', id]);
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(/GitHub rejected the credentials \(401 Bad credentials\)/);
    expect(t.stdout).toMatch(/→ Reconnect GitHub/);
    await cli(dir, ['integrations', 'update', id, '--secrets-stdin'], JSON.stringify({ token: CANARY }));
    const t2 = await cli(dir, ['integrations', 'test', id, '--json']);
    expect(t2.code).toBe(1);
    expect(JSON.parse(t2.stdout).reachable).toEqual([
      { name: 'acme/api', ok: true, detail: expect.stringContaining('private') },
      { name: 'acme/ghost', ok: false, detail: 'not found, or this token cannot see it' },
    ]);
    await cli(dir, ['integrations', 'remove', id]);
  });
});
