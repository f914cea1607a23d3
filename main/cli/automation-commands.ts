import fs from 'node:fs';
import type { Command } from 'commander';
import type { Automation, AutomationRun, AutomationStepResult, NovaActStatus } from '../../shared/automation.ts';
import { KinexusError } from '../../shared/errors.ts';
import type { Core } from '../core/core.ts';
import { parseConfigJson, promptHidden, readStdin } from './io.ts';

type Out = { json: boolean; data(v: unknown, human: () => string): void };
type Run = (action: (core: Core, out: Out, ...args: any[]) => Promise<number | void>) => (...args: any[]) => Promise<void>;

const STATUS_ICON: Record<string, string> = { succeeded: '✓', failed: '✗', cancelled: '⊘', interrupted: '⚡', running: '↻', pending: '·', skipped: '–' };

function seconds(ms: number | null): string {
  return ms === null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function stepLine(s: AutomationStepResult): string {
  const extra = [s.stepsExecuted !== null ? `${s.stepsExecuted} action${s.stepsExecuted === 1 ? '' : 's'}` : null, s.durationMs !== null ? seconds(s.durationMs) : null].filter(Boolean).join(', ');
  const lines = [`  ${s.index} ${STATUS_ICON[s.status] ?? '•'} ${s.instruction}${extra ? `  (${extra})` : ''}${s.recordsSaved ? `  → ${s.recordsSaved} record${s.recordsSaved === 1 ? '' : 's'} in the mirror` : ''}`];
  if (s.extracted !== null && s.extracted !== undefined) lines.push(`      ${JSON.stringify(s.extracted).slice(0, 400)}`);
  if (s.error) lines.push(`      ${s.error.message}${s.error.action ? `\n      → ${s.error.action}` : ''}`);
  return lines.join('\n');
}

/** A run as `kinexus automations run` prints it. */
export function runSummary(r: AutomationRun): string {
  return [
    `${STATUS_ICON[r.status] ?? '•'} ${r.automationName} — ${r.status} in ${seconds(r.durationMs)} (run ${r.id}, ${r.trigger})`,
    ...r.steps.map(stepLine),
    r.error && !r.steps.some((s) => s.error) ? `  ${r.error.message}${r.error.action ? `\n  → ${r.error.action}` : ''}` : '',
    `  files: ${r.artifactsDir}`,
  ]
    .filter(Boolean)
    .join('\n');
}

function describe(a: Automation): string {
  const when = a.schedule.type === 'manual' ? 'only when asked' : a.schedule.type === 'interval' ? `every ${a.schedule.minutes} min` : `on "${a.schedule.expression}"`;
  return [
    `${a.name}  (${a.id})${a.enabled ? '' : '  [disabled]'}${a.paused ? '  [paused]' : ''}`,
    `  starts at ${a.startUrl}  ·  ${a.headless ? 'headless' : 'visible browser'}  ·  max ${a.maxSteps} actions and ${a.timeoutSeconds} s per step`,
    `  allowed domains: ${a.allowedDomains.join(', ')}${a.profileDir ? `\n  browser profile: ${a.profileDir}` : ''}`,
    `  runs ${when}${a.nextRunAt ? `, next ${a.nextRunAt}` : ''}`,
    ...a.steps.map((s, i) => `  ${i + 1}. ${s.instruction}${s.schema ? '  [extracts data]' : ''}`),
    a.lastRun ? `  last run: ${a.lastRun.status} at ${a.lastRun.startedAt}${a.lastRun.error ? ` — ${a.lastRun.error.message}` : ''}` : '  never run',
  ].join('\n');
}

function statusText(s: NovaActStatus): string {
  return [
    s.summary,
    `  Python:   ${s.python ? `${s.python.version} (${s.python.source}: ${s.python.path})` : 'none found'}`,
    `  nova-act: ${s.package.installed ? `${s.package.version ?? 'installed'}${s.package.standIn ? ' (test stand-in)' : ''}` : 'not installed'}`,
    `  API key:  ${s.apiKeySet ? 'stored in the keychain' : 'not set'}`,
    `  browser:  ${s.browser ?? 'none found'}`,
    `  private environment: ${s.venvDir}${s.venvExists ? '' : ' (not created yet)'}`,
    ...s.missing.map((m) => `  → ${m.action}`),
  ].join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new KinexusError('invalid_input', `${flag} must be a whole number, not "${v}".`, { field: flag.replace(/^--/, '') });
    return Number(v);
  };
}

interface AddOptions {
  file?: string;
  definition?: string;
  name?: string;
  url?: string;
  step: string[];
  allow: string[];
  visible?: boolean;
  maxSteps?: number;
  timeout?: number;
  profile?: string;
}

/** The definition from --file, --definition and the quick flags (flags win over the JSON). */
function definitionFrom(o: AddOptions): Record<string, unknown> {
  const base = o.file ? parseConfigJson(readFile(o.file)) : o.definition ? parseConfigJson(o.definition) : {};
  const out: Record<string, unknown> = { ...base };
  if (o.name !== undefined) out.name = o.name;
  if (o.url !== undefined) out.startUrl = o.url;
  if (o.step.length > 0) out.steps = o.step.map((instruction) => ({ instruction }));
  if (o.allow.length > 0) out.allowedDomains = o.allow;
  if (o.visible) out.headless = false;
  if (o.maxSteps !== undefined) out.maxSteps = o.maxSteps;
  if (o.timeout !== undefined) out.timeoutSeconds = o.timeout;
  if (o.profile !== undefined) out.profileDir = o.profile;
  return out;
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new KinexusError('invalid_input', `Cannot read ${file}: ${(err as Error).message}.`, { field: 'file', action: 'Give the path of a JSON file with the automation' });
  }
}

/** `kinexus automations …`: define, run, schedule and inspect Nova Act automations; set Nova Act up. */
export function addAutomationCommands(program: Command, run: Run): void {
  const cmd = program.command('automations').description('Nova Act browser automations: define, run, schedule, see runs; set up Nova Act');

  cmd
    .command('list')
    .description('List automations')
    .action(
      run(async (core, out) => {
        const list = await core.invoke('automations.list', {});
        out.data(list, () => (list.length ? list.map(describe).join('\n\n') : 'No automations yet. Add one with: kinexus automations add --name "…" --url https://… --step "…"'));
      }),
    );

  cmd
    .command('show <id>')
    .description('Show one automation (by id or name)')
    .action(
      run(async (core, out, id: string) => {
        const a = await core.invoke('automations.get', { id });
        out.data(a, () => describe(a));
      }),
    );

  const withDefinitionOptions = (c: Command) =>
    c
      .option('--file <path>', 'the automation as a JSON file')
      .option('--definition <json>', 'the automation as a JSON object')
      .option('--name <name>', 'its name')
      .option('--url <url>', 'the starting page')
      .option('--step <instruction>', 'a step, in words (repeat for more steps, in order)', collect, [])
      .option('--allow <domain>', 'a domain the browser may visit (repeat for more)', collect, [])
      .option('--visible', 'show the browser window instead of running headless')
      .option('--max-steps <n>', 'browser actions allowed per step', positiveInt('--max-steps'))
      .option('--timeout <seconds>', 'time allowed per step', positiveInt('--timeout'))
      .option('--profile <folder>', 'a Chrome profile folder to stay signed in');

  withDefinitionOptions(cmd.command('add').description('Define an automation (steps with a JSON schema extract data; use --file for those)')).action(
    run(async (core, out, o: AddOptions) => {
      const a = await core.invoke('automations.create', definitionFrom(o));
      out.data(a, () => `Added ${a.name} (${a.id}).\nNext: kinexus automations run ${a.id}`);
    }),
  );

  withDefinitionOptions(cmd.command('update <id>').description('Change an automation; only what is given changes')).action(
    run(async (core, out, id: string, o: AddOptions) => {
      const cur = await core.invoke('automations.get', { id });
      const a = await core.invoke('automations.update', { ...definitionFrom(o), id: cur.id });
      out.data(a, () => `Updated ${a.name} (${a.id}).`);
    }),
  );

  for (const [verb, patch] of [
    ['enable', { enabled: true }],
    ['disable', { enabled: false }],
    ['pause', { paused: true }],
    ['resume', { paused: false }],
  ] as const) {
    cmd
      .command(`${verb} <id>`)
      .description(`${verb[0].toUpperCase()}${verb.slice(1)} an automation${verb === 'pause' || verb === 'resume' ? "'s schedule" : ''}`)
      .action(
        run(async (core, out, id: string) => {
          const cur = await core.invoke('automations.get', { id });
          const a = await core.invoke('automations.update', { id: cur.id, ...patch });
          out.data(a, () => `${a.name}: ${verb === 'enable' || verb === 'disable' ? (a.enabled ? 'enabled' : 'disabled') : a.paused ? 'schedule paused' : 'schedule resumed'}.`);
        }),
      );
  }

  cmd
    .command('remove <id>')
    .description('Remove an automation with its runs, files and mirrored records')
    .action(
      run(async (core, out, id: string) => {
        const cur = await core.invoke('automations.get', { id });
        const r = await core.invoke('automations.remove', { id: cur.id });
        out.data(r, () => `Removed ${cur.name} (${cur.id}).`);
      }),
    );

  cmd
    .command('schedule <id> <when>')
    .description('When it runs: minutes (e.g. 60), a cron expression in quotes, or "manual"')
    .action(
      run(async (core, out, id: string, when: string) => {
        const cur = await core.invoke('automations.get', { id });
        const schedule = when === 'manual' ? { type: 'manual' as const } : /^\d+$/.test(when) ? { type: 'interval' as const, minutes: Number(when) } : { type: 'cron' as const, expression: when };
        const a = await core.invoke('automations.update', { id: cur.id, schedule });
        out.data(a, () => describe(a));
      }),
    );

  cmd
    .command('run <id>')
    .description('Run an automation now and wait for it; each step is printed as it ends (Ctrl+C cancels)')
    .action(
      run(async (core, out, id: string) => {
        const a = await core.invoke('automations.get', { id });
        const off = core.onEvent((event, data) => {
          if (out.json || event !== 'automation.step') return;
          const e = data as { automationId: string; phase: string; step: AutomationStepResult };
          if (e.automationId !== a.id) return;
          if (e.phase === 'started') process.stderr.write(`  ${e.step.index} ↻ ${e.step.instruction}\n`);
        });
        const onSignal = () => {
          const live = core.automations.runner.running(a.id);
          if (live) core.automations.runner.cancel(live.runId);
        };
        process.once('SIGINT', onSignal);
        try {
          const r = await core.invoke('automations.run', { id: a.id, trigger: 'cli', wait: true });
          const finished = r.run!;
          out.data(finished, () => runSummary(finished));
          return finished.status === 'succeeded' ? 0 : 1;
        } finally {
          off();
          process.off('SIGINT', onSignal);
        }
      }),
    );

  cmd
    .command('runs')
    .description('Recent automation runs, newest first')
    .option('--automation <id>', 'only this automation')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .action(
      run(async (core, out, o: { automation?: string; limit: number }) => {
        const runs = await core.invoke('automations.runs', { automationId: o.automation, limit: o.limit });
        out.data(runs, () => (runs.length ? runs.map(runSummary).join('\n\n') : 'No automation runs yet. Start one with: kinexus automations run <id>'));
      }),
    );

  cmd
    .command('show-run <runId>')
    .description('One run: its steps, extracted data, errors and files')
    .action(
      run(async (core, out, runId: string) => {
        const r = await core.invoke('automations.getRun', { runId });
        out.data(r, () => [runSummary(r), ...r.artifacts.map((f) => `    ${f.kind.padEnd(10)} ${f.path} (${f.bytes} bytes)`)].join('\n'));
      }),
    );

  cmd
    .command('status')
    .description('Whether Nova Act can run here, and exactly what is missing')
    .action(
      run(async (core, out) => {
        const s = await core.invoke('novaAct.status', {});
        out.data(s, () => statusText(s));
        return s.ready ? 0 : 1;
      }),
    );

  cmd
    .command('setup')
    .description('Create a private Python environment in the data directory and install nova-act into it')
    .option('--python <path>', 'the Python 3.10+ to build it from (default: found on PATH)')
    .option('--from <folder>', 'install from this folder of wheels instead of the package index')
    .option('--use <python>', 'instead: use this interpreter, which already has nova-act')
    .option('--use-private', 'go back to the private environment after --use')
    .action(
      run(async (core, out, o: { python?: string; from?: string; use?: string; usePrivate?: boolean }) => {
        if (o.use || o.usePrivate) {
          const s = await core.invoke('novaAct.configure', { python: o.use ?? null });
          out.data(s, () => statusText(s));
          return s.ready ? 0 : 1;
        }
        const off = out.json ? () => undefined : core.onEvent((event, data) => event === 'novaAct.setup.progress' && process.stderr.write(`  ${(data as { message: string }).message}\n`));
        try {
          const s = await core.invoke('novaAct.setup', { python: o.python, packageSource: o.from });
          out.data(s, () => statusText(s));
          return s.ready ? 0 : 1;
        } finally {
          off();
        }
      }),
    );

  cmd
    .command('api-key')
    .description('Store the Nova Act API key in the OS keychain (asked for without echo, or read from stdin)')
    .option('--stdin', 'read the key from stdin (never pass it as an argument)')
    .option('--clear', 'remove the stored key')
    .action(
      run(async (core, out, o: { stdin?: boolean; clear?: boolean }) => {
        let key = '';
        if (!o.clear) {
          if (o.stdin) key = (await readStdin()).trim();
          else if (process.stdin.isTTY) key = (await promptHidden('Nova Act API key: ')).trim();
          else throw new KinexusError('invalid_input', 'There is no terminal to ask for the key on.', { field: 'apiKey', action: 'Pipe it in: kinexus automations api-key --stdin < key.txt' });
          if (!key) throw new KinexusError('invalid_input', 'No key was given.', { field: 'apiKey', action: 'Get one at https://nova.amazon.com/act, then run this again' });
        }
        const s = await core.invoke('novaAct.setApiKey', { apiKey: key });
        out.data(s, () => (o.clear ? 'The Nova Act API key was removed.' : `The Nova Act API key is stored in the OS keychain.\n${statusText(s)}`));
      }),
    );
}
