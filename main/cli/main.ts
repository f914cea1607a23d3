import { Command, CommanderError, Option } from 'commander';
import { toErrorBody, KinexusError } from '../../shared/errors.ts';
import type { Integration, TestResult } from '../../shared/schemas.ts';
import { createCore, type Core } from '../core/core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { parseConfigJson, parseSecretsJson, promptHidden, readStdin } from './io.ts';
import { serveCommand } from './serve.ts';
import { addSyncCommands } from './sync-commands.ts';
import { addAutomationCommands } from './automation-commands.ts';
import { addMcpCommand } from './mcp-command.ts';

/** What each command does with the core, given its parsed options. */
type Action = (core: Core, out: Output, ...args: any[]) => Promise<number | void>;

const HEALTH_ICON: Record<string, string> = { healthy: '✓', syncing: '↻', failing: '✗', needs_credentials: '⚿', rate_limited: '⏳', disabled: '○', paused: '⏸', offline: '⚡', never_synced: '·' };

class Output {
  constructor(readonly json: boolean) {}
  data(value: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }
}

async function withCore(fn: (core: Core) => Promise<number | void>): Promise<number> {
  const core = await createCore({ dataDir: defaultDataDir() });
  try {
    return (await fn(core)) ?? 0;
  } finally {
    await core.close();
  }
}

function run(action: Action) {
  return async (...args: any[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as { json?: boolean };
    const out = new Output(Boolean(opts.json));
    try {
      process.exitCode = await withCore((core) => action(core, out, ...args.slice(0, -1)));
    } catch (err) {
      process.exitCode = reportError(err, out.json);
    }
  };
}

function reportError(err: unknown, json: boolean): number {
  const body = toErrorBody(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: body }, null, 2)}\n`);
  process.stderr.write(`Error: ${body.message}\n${body.action ? `  → ${body.action}\n` : ''}`);
  return body.code === 'invalid_input' ? 2 : 1;
}

function testLine(t: TestResult | null): string {
  if (!t) return 'not tested yet';
  if (t.ok) return `ok as ${t.identity ?? 'unknown'} (${t.latencyMs} ms)`;
  return `FAILED: ${t.error?.message ?? 'unknown error'}`;
}

function describe(i: Integration): string {
  const secrets = Object.entries(i.secrets)
    .map(([k, set]) => `${k}: ${set ? 'set' : 'not set'}`)
    .join(', ');
  return [
    `${i.name}  (${i.id})`,
    `  connector: ${i.connector}   ${i.enabled ? 'enabled' : 'disabled'}`,
    `  settings:  ${JSON.stringify(i.settings)}`,
    `  secrets:   ${secrets || 'none'}`,
    `  last test: ${testLine(i.lastTest)}`,
  ].join('\n');
}

async function secretsFor(core: Core, connectorId: string, fromStdin: boolean, isNew: boolean): Promise<Record<string, string>> {
  if (fromStdin) return parseSecretsJson(await readStdin());
  const connectors = await core.invoke('connectors.list', {});
  const spec = connectors.find((c) => c.id === connectorId);
  const needed = spec?.secretFields.filter((f) => f.required) ?? [];
  if (!isNew || needed.length === 0) return {};
  if (!process.stdin.isTTY) {
    throw new KinexusError('invalid_input', `${spec?.title ?? connectorId} needs ${needed.map((f) => `"${f.name}"`).join(', ')} and there is no terminal to ask on.`, { field: 'secrets', action: `Pipe them as JSON: echo '{"${needed[0].name}":"…"}' | kinexus integrations add … --secrets-stdin` });
  }
  const out: Record<string, string> = {};
  for (const f of spec?.secretFields ?? []) {
    const v = await promptHidden(`${f.label}${f.required ? '' : ' (optional, Enter to skip)'}: `);
    if (v) out[f.name] = v;
  }
  return out;
}

/** Builds the command tree. Exported for tests that check the help text. */
export function buildProgram(): Command {
  const program = new Command('kinexus')
    .description('Kinexus Desktop: a local, searchable mirror of your work systems.')
    .addOption(new Option('--json', 'print machine-readable JSON'))
    .showHelpAfterError()
    .exitOverride();

  program
    .command('status')
    .description('Show the workspace: data directory, schema version, keychain, integrations')
    .action(
      run(async (core, out) => {
        const s = await core.invoke('status.get', {});
        out.data(s, () =>
          [
            `Kinexus Desktop ${s.version}`,
            `Data directory: ${s.dataDir}`,
            `Schema version: ${s.schemaVersion}`,
            `Keychain:       ${s.keychain.state} (${s.keychain.backend})${s.keychain.reason ? `\n  ${s.keychain.reason}` : ''}${s.keychain.fix ? `\n  → ${s.keychain.fix}` : ''}`,
            `Integrations:   ${s.integrations.length === 0 ? 'none yet — add one with "kinexus integrations add"' : ''}`,
            ...s.health.map((h) => `  ${HEALTH_ICON[h.state] ?? '•'} ${h.name} (${h.integrationId}) — ${h.state.replace('_', ' ')}: ${h.summary}${h.lastSuccessAt ? `\n      last success ${h.lastSuccessAt}` : ''}${h.nextRunAt ? `, next run ${h.nextRunAt}` : ''}, ${h.recordCount} records${h.lastError?.action ? `\n      → ${h.lastError.action}` : ''}`),
          ].join('\n'),
        );
      }),
    );

  program
    .command('connectors')
    .description('List the connectors and their settings')
    .action(
      run(async (core, out) => {
        const list = await core.invoke('connectors.list', {});
        out.data(list, () => list.map((c) => `${c.id.padEnd(12)} ${c.title} — ${c.description}\n${' '.repeat(13)}secrets: ${c.secretFields.map((f) => f.name).join(', ') || 'none'}`).join('\n'));
      }),
    );

  const integrations = program.command('integrations').description('Add, list, show, test, enable, disable and remove integrations');

  integrations
    .command('add <connector>')
    .description('Add an integration; settings are checked by the connector, secrets go to the OS keychain')
    .requiredOption('--name <name>', 'a name you will recognise, e.g. "Acme GitHub"')
    .option('--config <json>', 'settings as a JSON object', '{}')
    .option('--secrets-stdin', 'read secrets as a JSON object from stdin (never pass them as arguments)')
    .option('--disabled', 'add it disabled')
    .action(
      run(async (core, out, connector: string, o: { name: string; config: string; secretsStdin?: boolean; disabled?: boolean }) => {
        const { settings } = await core.invoke('connectors.validateSettings', { connector, settings: parseConfigJson(o.config) });
        const secrets = await secretsFor(core, connector, Boolean(o.secretsStdin), true);
        const i = await core.invoke('integrations.add', { connector, name: o.name, settings, secrets, enabled: !o.disabled });
        out.data(i, () => `Added ${i.name} (${i.id}).\nNext: kinexus integrations test ${i.id}`);
      }),
    );

  integrations
    .command('update <id>')
    .description('Change the name, settings or secrets of an integration')
    .option('--name <name>', 'new name')
    .option('--config <json>', 'new settings as a JSON object (replaces the old ones)')
    .option('--secrets-stdin', 'read secrets to replace as a JSON object from stdin')
    .action(
      run(async (core, out, id: string, o: { name?: string; config?: string; secretsStdin?: boolean }) => {
        const current = await core.invoke('integrations.get', { id });
        const secrets = o.secretsStdin ? await secretsFor(core, current.connector, true, false) : undefined;
        const i = await core.invoke('integrations.update', { id: current.id, name: o.name, settings: o.config === undefined ? undefined : parseConfigJson(o.config), secrets });
        out.data(i, () => `Updated ${i.name} (${i.id}).`);
      }),
    );

  integrations
    .command('list')
    .description('List integrations')
    .action(
      run(async (core, out) => {
        const list = await core.invoke('integrations.list', {});
        out.data(list, () => (list.length === 0 ? 'No integrations yet. Add one with: kinexus integrations add github --name "My GitHub" --config \'{"repositories":["owner/repo"]}\' --secrets-stdin' : list.map(describe).join('\n\n')));
      }),
    );

  integrations
    .command('show <id>')
    .description('Show one integration (by id or name)')
    .action(
      run(async (core, out, id: string) => {
        const i = await core.invoke('integrations.get', { id });
        out.data(i, () => describe(i));
      }),
    );

  integrations
    .command('test <id>')
    .description('Run the connection test and store the result')
    .action(
      run(async (core, out, id: string) => {
        const i = await core.invoke('integrations.get', { id });
        const t = await core.invoke('integrations.test', { id: i.id });
        out.data(t, () =>
          [
            `${i.name}: ${t.ok ? 'connection ok' : 'connection FAILED'}`,
            t.identity ? `  signed in as ${t.identity}` : '',
            t.scopes ? `  token scopes: ${t.scopes.join(', ') || '(none)'}` : '',
            t.latencyMs !== null ? `  latency: ${t.latencyMs} ms` : '',
            ...t.reachable.map((r) => `  ${r.ok ? '✓' : '✗'} ${r.name}${r.detail ? ` — ${r.detail}` : ''}`),
            t.error ? `  ${t.error.message}${t.error.action ? `\n  → ${t.error.action}` : ''}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return t.ok ? 0 : 1;
      }),
    );

  integrations
    .command('sign-in <id>')
    .description('Sign in interactively (device code): prints a code and a URL, waits until you have signed in, then syncs')
    .action(
      run(async (core, out, id: string) => {
        const i = await core.invoke('integrations.get', { id });
        // The code goes to stderr so that --json output stays one document.
        const off = core.onEvent((event, data) => {
          const c = data as { integrationId?: string; message?: string; userCode?: string; verificationUri?: string; expiresAt?: string };
          if (event === 'auth.deviceCode' && c.integrationId === i.id) {
            process.stderr.write(`${c.message}\n  URL:  ${c.verificationUri}\n  Code: ${c.userCode}   (valid until ${c.expiresAt})\nWaiting for you to sign in…\n`);
          }
        });
        try {
          const r = await core.invoke('integrations.signIn', { id: i.id, wait: true });
          if (!r.runId) {
            out.data(r, () => `Signed in to ${i.name} as ${r.identity}.\nNext: kinexus sync ${i.id}`);
            return;
          }
          process.stderr.write(`Signed in to ${i.name} as ${r.identity}. Syncing now (Ctrl-C stops; the next sync resumes)…\n`);
          const { run } = await core.invoke('sync.run', { id: i.id, trigger: 'cli', wait: true });
          out.data({ ...r, run }, () => `Signed in to ${i.name} as ${r.identity}; first sync ${run?.status ?? 'started'}: ${run ? `${run.counts.added} added, ${run.counts.updated} updated, ${run.counts.deleted} deleted` : ''}${run?.error ? `\n  ${run.error.message}${run.error.action ? `\n  → ${run.error.action}` : ''}` : ''}`);
          return run?.status === 'succeeded' ? 0 : 1;
        } finally {
          off();
        }
      }),
    );

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    integrations
      .command(`${name} <id>`)
      .description(`${enabled ? 'Enable' : 'Disable'} an integration`)
      .action(
        run(async (core, out, id: string) => {
          const cur = await core.invoke('integrations.get', { id });
          const i = await core.invoke('integrations.setEnabled', { id: cur.id, enabled });
          out.data(i, () => `${i.name} is ${i.enabled ? 'enabled' : 'disabled'}.`);
        }),
      );
  }

  integrations
    .command('remove <id>')
    .description('Remove an integration, its keychain entries and its data')
    .action(
      run(async (core, out, id: string) => {
        const cur = await core.invoke('integrations.get', { id });
        const r = await core.invoke('integrations.remove', { id: cur.id });
        out.data(r, () => `Removed ${cur.name} (${cur.id}) and its keychain entries.`);
      }),
    );

  addSyncCommands(program, run);
  addAutomationCommands(program, run);
  addMcpCommand(program);

  program
    .command('serve')
    .description('Serve the dashboard on 127.0.0.1 and print its one-time URL')
    .option('--port <port>', 'port to listen on (0 = any free port)', '0')
    .action(async (o: { port: string }) => {
      try {
        process.exitCode = await serveCommand(Number(o.port));
      } catch (err) {
        process.exitCode = reportError(err, false);
      }
    });

  return program;
}

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err, argv.includes('--json'));
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
