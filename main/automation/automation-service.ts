import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { AutomationDefinition, type Automation, type AutomationPatch } from '../../shared/automation.ts';
import { invalidInput, KinexusError } from '../../shared/errors.ts';
import { checkCron } from '../sync/schedule-math.ts';
import type { AutomationRow, AutomationsRepo } from './automations-repo.ts';
import { effectiveDomains, runsRoot, type AutomationRunner } from './runner.ts';
import type { AutomationRunsRepo } from './runs-repo.ts';

export interface AutomationServiceDeps {
  repo: AutomationsRepo;
  runs: AutomationRunsRepo;
  runner: AutomationRunner;
  dataDir: string;
  now: () => Date;
  onChanged(ids: string[]): void;
}

/** Defining, changing and removing automations, each checked whole before it is stored. */
export class AutomationService {
  constructor(private readonly d: AutomationServiceDeps) {}

  list(): Automation[] {
    return this.d.repo.list().map((r) => this.view(r));
  }

  /** Finds an automation by id or (case-insensitive) name. */
  find(idOrName: string): AutomationRow {
    const row = this.d.repo.get(idOrName) ?? this.d.repo.getByName(idOrName);
    if (!row) throw new KinexusError('not_found', `No automation with id or name "${idOrName}".`, { field: 'id', action: 'Run "kinexus automations list" to see the ids' });
    return row;
  }

  get(idOrName: string): Automation {
    return this.view(this.find(idOrName));
  }

  view(r: AutomationRow): Automation {
    const last = this.d.runs.list({ automationId: r.id, limit: 1 })[0];
    const next = this.d.runner.scheduler.nextRunAt(r.id);
    const { id, name, startUrl, steps, headless, maxSteps, timeoutSeconds, profileDir, schedule, enabled, paused, createdAt, updatedAt } = r;
    return {
      id,
      name,
      startUrl,
      steps,
      headless,
      maxSteps,
      timeoutSeconds,
      allowedDomains: effectiveDomains(startUrl, r.allowedDomains),
      profileDir,
      schedule,
      enabled,
      paused,
      createdAt,
      updatedAt,
      lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt, endedAt: last.endedAt, error: last.error } : null,
      runningRunId: this.d.runner.running(r.id)?.runId ?? null,
      nextRunAt: next === null ? null : new Date(next).toISOString(),
    };
  }

  create(input: z.output<typeof AutomationDefinition>): Automation {
    const name = input.name.trim();
    if (this.d.repo.getByName(name)) throw new KinexusError('invalid_input', `An automation named "${name}" already exists.`, { field: 'name', action: 'Choose another name' });
    this.checkExtras(input);
    const now = this.d.now().toISOString();
    const row: AutomationRow = { ...input, name, id: `auto-${randomBytes(4).toString('hex')}`, paused: false, createdAt: now, updatedAt: now };
    this.d.repo.insert(row);
    this.d.onChanged([row.id]);
    return this.view(row);
  }

  update(patch: AutomationPatch): Automation {
    const row = this.find(patch.id);
    const { id: _id, paused, ...fields } = patch;
    const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const current = { name: row.name, startUrl: row.startUrl, steps: row.steps, headless: row.headless, maxSteps: row.maxSteps, timeoutSeconds: row.timeoutSeconds, allowedDomains: row.allowedDomains, profileDir: row.profileDir, schedule: row.schedule, enabled: row.enabled };
    const parsed = AutomationDefinition.safeParse({ ...current, ...given });
    if (!parsed.success) throw invalidInput(parsed.error.issues, 'automation');
    const merged = parsed.data;
    const clash = this.d.repo.getByName(merged.name);
    if (clash && clash.id !== row.id) throw new KinexusError('invalid_input', `An automation named "${merged.name}" already exists.`, { field: 'name', action: 'Choose another name' });
    this.checkExtras(merged);
    const next: AutomationRow = { ...row, ...merged, paused: paused ?? row.paused, updatedAt: this.d.now().toISOString() };
    this.d.repo.update(next);
    this.d.onChanged([row.id]);
    return this.view(next);
  }

  /** Removes the automation, its runs (rows and folders) and its mirrored records; a running session is cancelled first. */
  async remove(idOrName: string): Promise<{ id: string; removed: true }> {
    const row = this.find(idOrName);
    await this.d.runner.cancelAndWait(row.id);
    const folders = this.d.runs.idsOf(row.id).map((r) => r.artifactsDir);
    this.d.repo.remove(row.id);
    const root = path.resolve(runsRoot(this.d.dataDir));
    for (const f of folders) {
      // Only ever a folder this app created under <dataDir>/automations.
      if (path.resolve(f).startsWith(root + path.sep)) fs.rmSync(f, { recursive: true, force: true, maxRetries: 3 });
    }
    this.d.onChanged([row.id]);
    return { id: row.id, removed: true };
  }

  /** What zod cannot know: the cron expression fires, the profile path is a folder. */
  private checkExtras(d: { schedule: AutomationRow['schedule']; profileDir: string | null }): void {
    if (d.schedule.type === 'cron') checkCron(d.schedule.expression);
    if (d.profileDir && fs.existsSync(d.profileDir) && !fs.statSync(d.profileDir).isDirectory()) {
      throw new KinexusError('invalid_input', `The browser profile "${d.profileDir}" is a file, not a folder.`, { field: 'profileDir', action: 'Choose a folder (it is created on the first run if missing)' });
    }
  }
}
