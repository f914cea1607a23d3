import type { Command } from 'commander';
import type { LogLine, SyncRun } from '../../shared/sync.ts';
import { KinexusError } from '../../shared/errors.ts';
import type { Core } from '../core/core.ts';

type Run = (action: (core: Core, out: { json: boolean; data(v: unknown, human: () => string): void }, ...args: any[]) => Promise<number | void>) => (...args: any[]) => Promise<void>;

function duration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One line per run, as `kinexus runs` prints it. */
export function runLine(r: SyncRun): string {
  const c = r.counts;
  return `${r.id}  ${r.status.padEnd(11)} ${r.startedAt}  ${duration(r.durationMs).padStart(8)}  +${c.added} ~${c.updated} =${c.unchanged} -${c.deleted}${c.failed ? ` !${c.failed}` : ''}  ${r.requests} req  [${r.trigger}] ${r.integrationId}${r.error ? `\n    ${r.error.message}${r.error.action ? `\n    → ${r.error.action}` : ''}` : ''}`;
}

function logLine(l: LogLine): string {
  return `${l.at}  ${l.level.toUpperCase().padEnd(5)} ${l.stream ? `[${l.stream}] ` : ''}${l.message}`;
}

/** sync, runs, logs, search, records, pause, resume, schedule. */
export function addSyncCommands(program: Command, run: Run): void {
  program
    .command('sync [id]')
    .description('Sync one integration now (or every enabled one with --all) and print the run summary')
    .option('--all', 'sync every enabled integration')
    .action(
      run(async (core, out, id: string | undefined, o: { all?: boolean }) => {
        if (!id && !o.all) throw new KinexusError('invalid_input', 'Name the integration to sync, or pass --all.', { field: 'id', action: 'Run "kinexus integrations list" to see the ids' });
        const ids = o.all ? (await core.invoke('integrations.list', {})).filter((i) => i.enabled).map((i) => i.id) : [(await core.invoke('integrations.get', { id: id! })).id];
        // Ctrl+C cancels cleanly: committed pages stay, the run is marked cancelled.
        const onSignal = () => {
          for (const integrationId of core.sync.engine.runningIds()) {
            const a = core.sync.engine.running(integrationId);
            if (a) core.sync.engine.cancel(a.runId);
          }
        };
        process.once('SIGINT', onSignal);
        try {
          const runs = await Promise.all(ids.map((i) => core.invoke('sync.run', { id: i, trigger: 'cli', wait: true }).then((r) => r.run!)));
          out.data(runs.length === 1 && !o.all ? runs[0] : runs, () => runs.map(runLine).join('\n'));
          return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
        } finally {
          process.off('SIGINT', onSignal);
        }
      }),
    );

  program
    .command('runs')
    .description('Show recent sync runs, newest first')
    .option('--integration <id>', 'only this integration')
    .option('--status <status>', 'only runs with this status (running, succeeded, failed, cancelled, interrupted)')
    .option('--limit <n>', 'how many', '20')
    .action(
      run(async (core, out, o: { integration?: string; status?: string; limit: string }) => {
        const integrationId = o.integration ? (await core.invoke('integrations.get', { id: o.integration })).id : undefined;
        const runs = await core.invoke('runs.list', { integrationId, status: o.status, limit: Number(o.limit) });
        out.data(runs, () => (runs.length ? runs.map(runLine).join('\n') : 'No sync runs yet. Start one with: kinexus sync <id>'));
      }),
    );

  program
    .command('logs <runId>')
    .description('Show the log of a sync run')
    .option('--level <levels>', 'comma-separated levels to show (debug,info,warn,error)')
    .option('--grep <text>', 'only lines containing this text')
    .action(
      run(async (core, out, runId: string, o: { level?: string; grep?: string }) => {
        const res = await core.invoke('logs.list', { runId, levels: o.level?.split(',').map((s) => s.trim()), q: o.grep, limit: 100_000 });
        out.data(res, () => (res.lines.length ? res.lines.map(logLine).join('\n') : 'No log lines match.'));
      }),
    );

  program
    .command('search <query...>')
    .description('Full-text search over the mirror')
    .option('--source <source>', 'only this connector (github, jira, …)')
    .option('--kind <kind>', 'only this kind (issue, commit, …)')
    .option('--limit <n>', 'how many results', '20')
    .action(
      run(async (core, out, words: string[], o: { source?: string; kind?: string; limit: string }) => {
        const res = await core.invoke('records.search', { q: words.join(' '), source: o.source, kind: o.kind, limit: Number(o.limit) });
        out.data(res, () =>
          res.hits.length === 0
            ? 'No matches.'
            : [res.totalIsAtLeast ? `${res.total}+ matches` : `${res.total} match${res.total === 1 ? '' : 'es'}`, ...res.hits.map((h) => `\n${h.source}/${h.kind}  ${h.title}\n  ${h.url ?? ''}  ${h.updatedAt ?? ''}\n  ${h.snippet ?? ''}`)].join('\n'),
        );
      }),
    );

  program
    .command('records')
    .description('List mirrored records by source and kind, most recently updated first')
    .option('--source <source>', 'only this connector')
    .option('--kind <kind>', 'only this kind')
    .option('--integration <id>', 'only this integration')
    .option('--limit <n>', 'how many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action(
      run(async (core, out, o: { source?: string; kind?: string; integration?: string; limit: string; offset: string }) => {
        const integrationId = o.integration ? (await core.invoke('integrations.get', { id: o.integration })).id : undefined;
        const res = await core.invoke('records.list', { source: o.source, kind: o.kind, integrationId, limit: Number(o.limit), offset: Number(o.offset) });
        out.data(res, () => [`${res.total} records`, ...res.hits.map((h) => `${(h.updatedAt ?? '').padEnd(20)}  ${h.source}/${h.kind}  ${h.title}`)].join('\n'));
      }),
    );

  for (const verb of ['pause', 'resume'] as const) {
    program
      .command(`${verb} [id]`)
      .description(`${verb === 'pause' ? 'Pause' : 'Resume'} scheduled syncs of one integration, or of all when no id is given`)
      .action(
        run(async (core, out, id: string | undefined) => {
          const target = id ? (await core.invoke('integrations.get', { id })).id : undefined;
          const res = await core.invoke(verb === 'pause' ? 'scheduler.pause' : 'scheduler.resume', { id: target });
          out.data(res, () => (target ? `${target} ${verb === 'pause' ? 'paused' : 'resumed'}.` : `Scheduled syncs ${verb === 'pause' ? 'paused' : 'resumed'} for all integrations.`));
        }),
      );
  }

  program
    .command('schedule <id> <when>')
    .description('Set when an integration syncs: minutes (e.g. 30), a cron expression in quotes, "manual", or "default"')
    .action(
      run(async (core, out, id: string, when: string) => {
        const cur = await core.invoke('integrations.get', { id });
        const schedule = when === 'default' ? null : when === 'manual' ? { type: 'manual' as const } : /^\d+$/.test(when) ? { type: 'interval' as const, minutes: Number(when) } : { type: 'cron' as const, expression: when };
        const i = await core.invoke('integrations.setSchedule', { id: cur.id, schedule });
        out.data(i, () => `${i.name} now syncs ${schedule === null ? 'on the default interval' : schedule.type === 'manual' ? 'only when asked' : schedule.type === 'interval' ? `every ${schedule.minutes} min` : `on "${schedule.expression}"`}.`);
      }),
    );
}
