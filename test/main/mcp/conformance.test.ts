import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubFixture, syncNow, type GitHubFixture } from '../../helpers/github-fixture.ts';
import { paths } from '../connectors/mcp/support.ts';

const run = promisify(execFile);
const SUITE = path.join(paths.root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BASELINE = path.join(paths.root, 'test/main/mcp/conformance-baseline.yml');
/** Scenarios this endpoint must pass for real (see the baseline file for the rest). */
const MUST_PASS = ['server-initialize', 'ping', 'logging-set-level', 'tools-list', 'resources-list', 'prompts-list', 'server-sse-multiple-streams', 'dns-rebinding-protection'];

// The MCP project's conformance suite against the app's Streamable HTTP endpoint.
describe('MCP conformance suite against the HTTP endpoint', () => {
  let f: GitHubFixture;
  let out: string;
  beforeAll(async () => {
    f = await githubFixture({ issues: 3, core: { mcp: { port: 0 } } });
    await syncNow(f.core, f.id);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'kx-conformance-'));
  });
  afterAll(async () => {
    await f?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('passes every scenario but the ones its baseline lists, each for a stated reason', { timeout: 120_000 }, async () => {
    const url = (await f.core.invoke('mcp.info', {})).endpoint!;
    const { token } = await f.core.invoke('mcp.token', {});
    const result = await run(process.execPath, ['--import', paths.withBearer, SUITE, 'server', '--url', url, '--expected-failures', BASELINE, '-o', out], {
      env: { ...process.env, KINEXUS_MCP_URL: url, KINEXUS_MCP_TOKEN: token },
      timeout: 100_000,
      maxBuffer: 20 * 1024 * 1024,
    }).catch((err: { code?: number; stdout?: string; stderr?: string }) => err);
    const stdout = String(result.stdout ?? '');
    expect(stdout, `${stdout.slice(-3000)}\n${String(result.stderr ?? '').slice(-2000)}`).toContain('Baseline check passed: all failures are expected.');
    expect('code' in result ? result.code : 0).toBe(0);

    const statuses = new Map<string, string[]>();
    for (const dir of fs.readdirSync(out)) {
      const scenario = dir.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
      const checks = JSON.parse(fs.readFileSync(path.join(out, dir, 'checks.json'), 'utf8')) as { status: string }[];
      statuses.set(scenario, checks.map((c) => c.status).filter((s) => s !== 'INFO'));
    }
    for (const s of MUST_PASS) {
      expect(statuses.get(s), s).toBeDefined();
      expect(statuses.get(s)!.length, s).toBeGreaterThan(0);
      expect(statuses.get(s)!.every((x) => x === 'SUCCESS'), `${s}: ${statuses.get(s)}`).toBe(true);
    }
  });
});
