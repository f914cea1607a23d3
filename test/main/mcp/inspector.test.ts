import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubFixture, syncNow, TOKEN, type GitHubFixture } from '../../helpers/github-fixture.ts';
import { paths } from '../connectors/mcp/support.ts';

const run = promisify(execFile);
/**
 * The MCP Inspector's CLI mode, an independent client. `@modelcontextprotocol/inspector`
 * itself requires Node >= 22.7.5 (its web UI); its CLI mode lives in
 * `@modelcontextprotocol/inspector-cli`, which runs on Node 20 and is what
 * `inspector --cli` starts. Its launcher (build/cli.js --cli) only forwards the
 * arguments to build/index.js in a second Node process; the tests call index.js
 * directly to spare that process.
 */
const INSPECTOR = path.join(paths.root, 'node_modules/@modelcontextprotocol/inspector-cli/build/index.js');

async function inspect(args: string[], env: Record<string, string> = {}): Promise<any> {
  // Run from its build folder: installed on its own (not under the inspector), it finds its
  // package.json only relative to the working directory (index.js: existsSync("../package.json")).
  const { stdout } = await run(process.execPath, [INSPECTOR, ...args], { cwd: path.dirname(INSPECTOR), env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 });
  // The launcher may print a deprecation notice first; the result is the JSON document that follows.
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

describe('the MCP Inspector CLI as an independent client', () => {
  let f: GitHubFixture;
  let url: string;
  let auth: string;
  beforeAll(async () => {
    f = await githubFixture({ issues: 5, commits: 2, core: { mcp: { port: 0 } } });
    await syncNow(f.core, f.id);
    url = (await f.core.invoke('mcp.info', {})).endpoint!;
    auth = `Authorization: Bearer ${(await f.core.invoke('mcp.token', {})).token}`;
  });
  afterAll(async () => f?.close());

  it('lists tools, calls search and reads a resource over Streamable HTTP', { timeout: 120_000 }, async () => {
    const tools = await inspect([url, '--transport', 'http', '--header', auth, '--method', 'tools/list']);
    expect(tools.tools.map((t: { name: string }) => t.name).sort()).toEqual(['get_record', 'list_integrations', 'recent_changes', 'search', 'sync_now']);
    const found = await inspect([url, '--transport', 'http', '--header', auth, '--method', 'tools/call', '--tool-name', 'search', '--tool-arg', 'query=fix', 'limit=2']);
    expect(found.structuredContent.total).toBe(5);
    expect(found.structuredContent.hits).toHaveLength(2);
    const uri = found.structuredContent.hits[0].uri as string;
    const read = await inspect([url, '--transport', 'http', '--header', auth, '--method', 'resources/read', '--uri', uri]);
    expect(read.contents[0].uri).toBe(uri);
    expect(read.contents[0].text).toMatch(/^# #\d+ Issue/);
    expect(JSON.stringify([tools, found, read])).not.toContain(TOKEN);
  });

  it('lists tools and calls search over stdio through `kinexus mcp`', { timeout: 120_000 }, async () => {
    // The inspector hands its own environment to the server it starts.
    const env = { KINEXUS_DATA_DIR: f.dir };
    const target = [process.execPath, paths.cliBin, 'mcp'];
    const tools = await inspect([...target, '--method', 'tools/list'], env);
    expect(tools.tools).toHaveLength(5);
    const found = await inspect([...target, '--method', 'tools/call', '--tool-name', 'search', '--tool-arg', 'query=fix', 'kind=issue'], env);
    expect(found.structuredContent.total).toBe(5);
    expect(found.structuredContent.hits[0].uri).toMatch(/^kinexus:\/\/records\/github\/issue\//);
  });
});
