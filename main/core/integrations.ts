import { randomBytes } from 'node:crypto';
import { KinexusError, invalidInput } from '../../shared/errors.ts';
import type { MethodInput } from '../../shared/contract.ts';
import type { Integration, KeychainStatus, TestResult } from '../../shared/schemas.ts';
import type { ConnectorSpec } from '../connectors/types.ts';
import { secretAccount, type SecretStore } from '../secrets/secret-store.ts';
import type { IntegrationRow, IntegrationsRepo } from '../store/integrations-repo.ts';
import type { Schedule } from '../../shared/sync.ts';
import { checkCron } from '../sync/schedule-math.ts';
import { SIGN_IN_MISSING } from '../sync/health.ts';
import type { Redactor } from './redactor.ts';

export interface IntegrationDeps {
  repo: IntegrationsRepo;
  secrets: SecretStore;
  keychain: () => KeychainStatus;
  redactor: Redactor;
  connector: (id: string) => ConnectorSpec<any>;
  now: () => Date;
  onChanged: (ids: string[]) => void;
}

/** Adding, changing and removing integrations, with secrets kept in the keychain only. */
export class IntegrationService {
  constructor(private readonly d: IntegrationDeps) {}

  list(): Integration[] {
    return this.d.repo.list().map((r) => this.view(r));
  }

  /** Finds an integration by id or (case-insensitive) name. */
  find(idOrName: string): IntegrationRow {
    const row = this.d.repo.get(idOrName) ?? this.d.repo.getByName(idOrName);
    if (!row) throw new KinexusError('not_found', `No integration with id or name "${idOrName}".`, { field: 'id', action: 'Run "kinexus integrations list" to see the ids' });
    return row;
  }

  get(idOrName: string): Integration {
    return this.view(this.find(idOrName));
  }

  view(r: IntegrationRow): Integration {
    const spec = this.d.connector(r.connector);
    const secrets = Object.fromEntries(spec.secretFields.map((f) => [f.name, r.secretsSet.includes(f.name)]));
    return { id: r.id, connector: r.connector, name: r.name, enabled: r.enabled, settings: r.settings, secrets, createdAt: r.createdAt, updatedAt: r.updatedAt, lastTest: this.d.repo.lastTest(r.id), schedule: r.schedule, paused: r.paused };
  }

  async add(input: MethodInput<'integrations.add'> & { settings: Record<string, unknown>; secrets: Record<string, string> }): Promise<Integration> {
    const spec = this.d.connector(input.connector);
    const settings = this.parseSettings(spec, input.settings);
    const secrets = this.checkSecrets(spec, input.secrets, [], true);
    const name = input.name.trim();
    if (this.d.repo.getByName(name)) throw new KinexusError('invalid_input', `An integration named "${name}" already exists.`, { field: 'name', action: 'Choose another name' });
    if (Object.keys(secrets).length > 0) this.requireKeychain(spec);
    const now = this.d.now().toISOString();
    const row: IntegrationRow = { id: `${spec.id}-${newId()}`, connector: spec.id, name, enabled: input.enabled ?? true, settings, secretsSet: Object.keys(secrets), createdAt: now, updatedAt: now, schedule: null, paused: false };
    this.d.repo.insert(row);
    try {
      await this.writeSecrets(row.id, secrets);
    } catch (err) {
      // Nothing half-written: the row goes and so does any secret already stored.
      this.d.repo.remove(row.id);
      await this.deleteSecrets(row.id, Object.keys(secrets)).catch(() => undefined);
      throw err;
    }
    this.d.onChanged([row.id]);
    return this.view(row);
  }

  async update(input: MethodInput<'integrations.update'>): Promise<Integration> {
    const row = this.find(input.id);
    const spec = this.d.connector(row.connector);
    const next: IntegrationRow = { ...row, updatedAt: this.d.now().toISOString() };
    if (input.name !== undefined) {
      const clash = this.d.repo.getByName(input.name.trim());
      if (clash && clash.id !== row.id) throw new KinexusError('invalid_input', `An integration named "${input.name.trim()}" already exists.`, { field: 'name', action: 'Choose another name' });
      next.name = input.name.trim();
    }
    if (input.settings !== undefined) next.settings = this.parseSettings(spec, input.settings);
    const given = input.secrets ?? {};
    const secrets = this.checkSecrets(spec, given, row.secretsSet, false);
    const toDelete = Object.entries(given).filter(([, v]) => v === '').map(([k]) => k);
    if (Object.keys(given).length > 0) this.requireKeychain(spec);
    await this.writeSecrets(row.id, secrets);
    await this.deleteSecrets(row.id, toDelete);
    next.secretsSet = [...new Set([...row.secretsSet.filter((s) => !toDelete.includes(s)), ...Object.keys(secrets)])];
    this.d.repo.update(next);
    this.d.onChanged([row.id]);
    return this.view(next);
  }

  async setEnabled(id: string, enabled: boolean): Promise<Integration> {
    const row = this.find(id);
    const next = { ...row, enabled, updatedAt: this.d.now().toISOString() };
    this.d.repo.update(next);
    this.d.onChanged([row.id]);
    return this.view(next);
  }

  async setSchedule(id: string, schedule: Schedule | null): Promise<Integration> {
    const row = this.find(id);
    if (schedule?.type === 'cron') checkCron(schedule.expression);
    const next = { ...row, schedule, updatedAt: this.d.now().toISOString() };
    this.d.repo.update(next);
    this.d.onChanged([row.id]);
    return this.view(next);
  }

  setPaused(id: string, paused: boolean): void {
    const row = this.find(id);
    this.d.repo.update({ ...row, paused, updatedAt: this.d.now().toISOString() });
    this.d.onChanged([row.id]);
  }

  /** Required secret fields of an integration that are not set. */
  missingSecrets(row: IntegrationRow): string[] {
    const spec = this.d.connector(row.connector);
    const missing = spec.secretFields.filter((f) => f.required && !row.secretsSet.includes(f.name)).map((f) => f.name);
    // A connector that signs in interactively needs its stored sign-in instead of a typed secret.
    if (spec.signIn && !row.secretsSet.includes(spec.signIn.cacheField)) missing.push(SIGN_IN_MISSING);
    return missing;
  }

  async remove(id: string): Promise<{ id: string; removed: true }> {
    const row = this.find(id);
    if (row.secretsSet.length > 0) this.requireKeychain(this.d.connector(row.connector), 'remove');
    await this.deleteSecrets(row.id, row.secretsSet);
    this.d.repo.remove(row.id);
    this.d.onChanged([row.id]);
    return { id: row.id, removed: true };
  }

  /** Reads an integration's secrets from the keychain (and teaches the redactor their values). */
  async readSecrets(row: IntegrationRow): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const declared = this.d.connector(row.connector).secretFields.map((f) => f.name);
    // A sign-in's token cache is also in secretsSet; it reaches the connector only through ctx.tokenCache.
    for (const field of row.secretsSet.filter((f) => declared.includes(f))) {
      const v = await this.d.secrets.get(secretAccount(row.id, field));
      if (v !== null) {
        this.d.redactor.add(v);
        out[field] = v;
      }
    }
    return out;
  }

  saveTest(row: IntegrationRow, result: TestResult): void {
    this.d.repo.saveTest(row.id, result);
  }

  /** Validates settings with the connector's schema and returns them with defaults applied. */
  parseSettings(spec: ConnectorSpec<any>, raw: Record<string, unknown>): Record<string, unknown> {
    const parsed = spec.settings.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ ...i, path: ['settings', ...i.path] }));
      throw invalidInput(issues, `${spec.title} settings`);
    }
    return parsed.data as Record<string, unknown>;
  }

  private checkSecrets(spec: ConnectorSpec<any>, given: Record<string, string>, alreadySet: string[], isNew: boolean): Record<string, string> {
    const known = spec.secretFields.map((f) => f.name);
    for (const k of Object.keys(given)) {
      if (!known.includes(k)) {
        throw new KinexusError('invalid_input', `"${k}" is not a secret of ${spec.title}; expected ${known.length ? known.map((n) => `"${n}"`).join(', ') : 'none'}.`, { field: `secrets.${k}`, action: 'Remove it from the secrets' });
      }
    }
    for (const f of spec.secretFields) {
      const v = given[f.name];
      if (f.required && isNew && (v === undefined || v === '')) {
        throw new KinexusError('invalid_input', `${spec.title} needs the secret "${f.name}" (${f.label}).`, { field: `secrets.${f.name}`, action: `Provide ${f.label}` });
      }
      if (f.required && !isNew && v === '' && alreadySet.includes(f.name)) {
        throw new KinexusError('invalid_input', `The secret "${f.name}" is required and cannot be cleared; give a new value instead.`, { field: `secrets.${f.name}` });
      }
    }
    return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== ''));
  }

  private requireKeychain(spec: ConnectorSpec<any>, verb: 'store' | 'remove' = 'store'): void {
    const k = this.d.keychain();
    if (k.state !== 'available') {
      const what = verb === 'store' ? `store the ${spec.title} secrets` : `remove the ${spec.title} secrets`;
      throw new KinexusError('secrets_unavailable', `Cannot ${what}: the OS keychain is ${k.state}. ${k.reason ?? ''}`.trim(), { action: k.fix ?? 'Install or unlock the OS keychain' });
    }
  }

  private async writeSecrets(id: string, secrets: Record<string, string>): Promise<void> {
    for (const [field, value] of Object.entries(secrets)) {
      this.d.redactor.add(value);
      await this.d.secrets.set(secretAccount(id, field), value);
    }
  }

  private async deleteSecrets(id: string, fields: string[]): Promise<void> {
    for (const f of fields) await this.d.secrets.delete(secretAccount(id, f));
  }
}

function newId(): string {
  return randomBytes(5).toString('hex').slice(0, 8);
}
