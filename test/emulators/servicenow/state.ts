/**
 * The ServiceNow emulator's mutable data: users (with their time zone and
 * roles), OAuth clients and tokens, tables with a small schema each, records,
 * the deletion audit (`sys_audit_delete`) and the emulator clock. Tests drive
 * it directly: add records, update them (stamps `sys_updated_on` with the
 * clock), delete them (writes an audit row), move the clock.
 *
 * Date/time values are kept the way ServiceNow stores them: UTC, in the
 * internal format `yyyy-MM-dd HH:mm:ss`.
 */
import { createHash } from 'node:crypto';

export type Timestamp = Date | string | number;
export type FieldType = 'string' | 'html' | 'choice' | 'reference' | 'datetime' | 'boolean' | 'integer';

export interface FieldDef {
  type: FieldType;
  label: string;
  /** value → label, for choice fields. */
  choices?: Record<string, string>;
  /** Referenced table, for reference fields. */
  refTable?: string;
}

export interface TableDef {
  name: string;
  label: string;
  fields: Record<string, FieldDef>;
  /** Role needed to read the table (null: any authenticated user). `admin` always may. */
  readRole: string | null;
  /** Prefix of the `number` field (INC, CHG, KB), when the table numbers its records. */
  numberPrefix?: string;
}

export interface SnRecord {
  sys_id: string;
  /** Field name → stored value (sys_id for references, UTC internal format for date/times). */
  values: Record<string, string>;
}

export interface SnUser {
  sys_id: string;
  user_name: string;
  password: string;
  name: string;
  email: string;
  /** IANA time zone of the user's profile; display values and gs.dateGenerate use it. */
  time_zone: string;
  roles: string[];
  locked: boolean;
}

export interface SnSettings {
  /** `glide.invalid_query.returns_no_rows`: false (the default) ignores conditions on unknown fields. */
  invalidQueryReturnsNoRows: boolean;
  /** Upper bound for sysparm_limit (larger values are cut to it). */
  maxLimit: number;
  /** Seconds an OAuth access token lives (ServiceNow's default is 1800). */
  accessTokenSeconds: number;
}

export interface RateRule {
  sys_id: string;
  /** Requests allowed per hour for the user. */
  limit: number;
  /** Requests counted in the current hour, per user_name. */
  counts: Map<string, number>;
  /** Epoch seconds when the hour ends. */
  resetAt: number;
}

const SYSTEM_FIELDS: Record<string, FieldDef> = {
  sys_id: { type: 'string', label: 'Sys ID' },
  sys_created_on: { type: 'datetime', label: 'Created' },
  sys_created_by: { type: 'string', label: 'Created by' },
  sys_updated_on: { type: 'datetime', label: 'Updated' },
  sys_updated_by: { type: 'string', label: 'Updated by' },
  sys_class_name: { type: 'string', label: 'Class' },
};

/** The tables the emulator knows, with the fields a connector reads (a subset of the real ones). */
export function defaultTables(): TableDef[] {
  const t = (name: string, label: string, readRole: string | null, fields: Record<string, FieldDef>, numberPrefix?: string): TableDef => ({ name, label, readRole, numberPrefix, fields: { ...SYSTEM_FIELDS, ...fields } });
  return [
    t('sys_user', 'User', null, { user_name: { type: 'string', label: 'User ID' }, name: { type: 'string', label: 'Name' }, email: { type: 'string', label: 'Email' }, time_zone: { type: 'string', label: 'Time zone' }, active: { type: 'boolean', label: 'Active' } }),
    t('sys_user_group', 'Group', null, { name: { type: 'string', label: 'Name' } }),
    t(
      'incident',
      'Incident',
      'itil',
      {
        number: { type: 'string', label: 'Number' },
        short_description: { type: 'string', label: 'Short description' },
        description: { type: 'string', label: 'Description' },
        state: { type: 'choice', label: 'State', choices: { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' } },
        priority: { type: 'choice', label: 'Priority', choices: { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' } },
        category: { type: 'choice', label: 'Category', choices: { inquiry: 'Inquiry / Help', software: 'Software', hardware: 'Hardware', network: 'Network', database: 'Database' } },
        caller_id: { type: 'reference', label: 'Caller', refTable: 'sys_user' },
        assigned_to: { type: 'reference', label: 'Assigned to', refTable: 'sys_user' },
        assignment_group: { type: 'reference', label: 'Assignment group', refTable: 'sys_user_group' },
        opened_at: { type: 'datetime', label: 'Opened' },
        close_notes: { type: 'string', label: 'Resolution notes' },
        active: { type: 'boolean', label: 'Active' },
      },
      'INC',
    ),
    t(
      'change_request',
      'Change Request',
      'itil',
      {
        number: { type: 'string', label: 'Number' },
        short_description: { type: 'string', label: 'Short description' },
        description: { type: 'string', label: 'Description' },
        state: { type: 'choice', label: 'State', choices: { '-5': 'New', '-4': 'Assess', '-3': 'Authorize', '-2': 'Scheduled', '-1': 'Implement', '0': 'Review', '3': 'Closed', '4': 'Canceled' } },
        type: { type: 'choice', label: 'Type', choices: { standard: 'Standard', normal: 'Normal', emergency: 'Emergency' } },
        risk: { type: 'choice', label: 'Risk', choices: { '2': 'High', '3': 'Moderate', '4': 'Low' } },
        assigned_to: { type: 'reference', label: 'Assigned to', refTable: 'sys_user' },
        requested_by: { type: 'reference', label: 'Requested by', refTable: 'sys_user' },
        start_date: { type: 'datetime', label: 'Planned start date' },
        end_date: { type: 'datetime', label: 'Planned end date' },
      },
      'CHG',
    ),
    t(
      'kb_knowledge',
      'Knowledge',
      null,
      {
        number: { type: 'string', label: 'Number' },
        short_description: { type: 'string', label: 'Short description' },
        text: { type: 'html', label: 'Article body' },
        workflow_state: { type: 'choice', label: 'Workflow', choices: { draft: 'Draft', review: 'Review', published: 'Published', retired: 'Retired' } },
        author: { type: 'reference', label: 'Author', refTable: 'sys_user' },
        kb_category: { type: 'string', label: 'Category' },
      },
      'KB',
    ),
    t('sys_audit_delete', 'Deleted Records', 'admin', {
      tablename: { type: 'string', label: 'Table' },
      documentkey: { type: 'string', label: 'Document key' },
      display_value: { type: 'string', label: 'Display value' },
      payload: { type: 'string', label: 'Payload' },
    }),
  ];
}

/** UTC internal format of a time: `yyyy-MM-dd HH:mm:ss`. */
export function glideUtc(t: Timestamp): string {
  return new Date(typeof t === 'number' || t instanceof Date ? t : Date.parse(t)).toISOString().slice(0, 19).replace('T', ' ');
}

/** Epoch ms of a UTC internal-format value. */
export function parseGlideUtc(v: string): number {
  return Date.parse(`${v.replace(' ', 'T')}Z`);
}

/** Wall-clock parts of an instant in an IANA zone, as `yyyy-MM-dd HH:mm:ss`. */
export function inZone(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The instant at which a zone's wall clock shows `local` (`yyyy-MM-dd HH:mm:ss`). */
export function fromZone(local: string, zone: string): number {
  const guess = parseGlideUtc(local);
  // Two rounds settle the offset, also across a DST change.
  let t = guess;
  for (let i = 0; i < 2; i++) t = guess - (parseGlideUtc(inZone(t, zone)) - t);
  return t;
}

function sysId(seed: string): string {
  return createHash('md5').update(seed).digest('hex');
}

export class ServiceNowState {
  readonly tables = new Map<string, TableDef>();
  readonly records = new Map<string, Map<string, SnRecord>>();
  readonly users = new Map<string, SnUser>();
  readonly oauthClients = new Map<string, string>();
  readonly accessTokens = new Map<string, { user: string; expiresAt: number }>();
  readonly refreshTokens = new Map<string, { user: string; clientId: string }>();
  readonly rateRules: RateRule[] = [];
  readonly settings: SnSettings;
  /** Called with the path and query of every request before it is answered (tests change data mid-listing with it). */
  beforeRequest: ((path: string, query: URLSearchParams) => void) | null = null;
  private clockBase: number;
  private readonly realStart: number | null;
  private seq = 0;
  private numbers = new Map<string, number>();

  constructor(opts: { now?: Timestamp; clock?: 'frozen' | 'real'; settings?: Partial<SnSettings> } = {}) {
    this.clockBase = Math.floor((opts.now === undefined ? Date.now() : new Date(opts.now).getTime()) / 1000) * 1000;
    this.realStart = opts.clock === 'real' ? Date.now() : null;
    this.settings = { invalidQueryReturnsNoRows: false, maxLimit: 10_000, accessTokenSeconds: 1800, ...opts.settings };
    for (const t of defaultTables()) {
      this.tables.set(t.name, t);
      this.records.set(t.name, new Map());
    }
  }

  get now(): Date {
    return new Date(this.clockBase + (this.realStart === null ? 0 : Date.now() - this.realStart));
  }

  /** Moves the emulator clock forward. */
  advance(ms: number): void {
    this.clockBase += ms;
  }

  table(name: string): TableDef {
    const t = this.tables.get(name);
    if (!t) throw new Error(`emulator: no table ${name}`);
    return t;
  }

  addUser(u: { user_name: string; password: string; name?: string; email?: string; time_zone?: string; roles?: string[] }): SnUser {
    const user: SnUser = { sys_id: sysId(`user:${u.user_name}`), user_name: u.user_name, password: u.password, name: u.name ?? u.user_name, email: u.email ?? `${u.user_name}@example.com`, time_zone: u.time_zone ?? 'UTC', roles: u.roles ?? ['itil'], locked: false };
    this.users.set(user.user_name, user);
    this.put('sys_user', user.sys_id, { user_name: user.user_name, name: user.name, email: user.email, time_zone: user.time_zone, active: 'true' }, this.now.getTime());
    return user;
  }

  addGroup(name: string): string {
    const id = sysId(`group:${name}`);
    this.put('sys_user_group', id, { name }, this.now.getTime());
    return id;
  }

  addOAuthClient(clientId: string, secret: string): void {
    this.oauthClients.set(clientId, secret);
  }

  /** Adds a rate limit rule for every user (requests per hour). */
  addRateLimit(limit: number): RateRule {
    const rule: RateRule = { sys_id: sysId(`rule:${this.rateRules.length}`), limit, counts: new Map(), resetAt: Math.floor(this.now.getTime() / 3_600_000 + 1) * 3600 };
    this.rateRules.push(rule);
    return rule;
  }

  /** Adds a record; `at` sets created/updated (default: the clock). The number is assigned when the table numbers records. */
  add(table: string, values: Record<string, string> = {}, at?: Timestamp): SnRecord {
    const def = this.table(table);
    const id = values.sys_id ?? sysId(`${table}:${++this.seq}:${Math.random()}`);
    const v = { ...values };
    if (def.numberPrefix && v.number === undefined) {
      const n = (this.numbers.get(table) ?? 10000) + 1;
      this.numbers.set(table, n);
      v.number = `${def.numberPrefix}${String(n).padStart(7, '0')}`;
    }
    return this.put(table, id, v, at === undefined ? this.now.getTime() : new Date(at).getTime());
  }

  /** Adds `n` records updated `stepSeconds` apart, the last at `end` (default: the clock). */
  addMany(table: string, n: number, opts: { end?: Timestamp; stepSeconds?: number; values?: (i: number) => Record<string, string> } = {}): SnRecord[] {
    const end = opts.end === undefined ? this.now.getTime() : new Date(opts.end).getTime();
    const step = (opts.stepSeconds ?? 60) * 1000;
    const out: SnRecord[] = [];
    for (let i = 0; i < n; i++) out.push(this.add(table, { short_description: `${this.table(table).label} ${i + 1}`, ...opts.values?.(i) }, end - (n - 1 - i) * step));
    return out;
  }

  /** Changes fields and stamps sys_updated_on with the clock (or `at`). */
  update(table: string, id: string, values: Record<string, string>, at?: Timestamp): SnRecord {
    const r = this.get(table, id);
    Object.assign(r.values, values);
    r.values.sys_updated_on = glideUtc(at === undefined ? this.now : at);
    r.values.sys_updated_by = values.sys_updated_by ?? 'admin';
    return r;
  }

  /** Deletes a record and writes its `sys_audit_delete` row, like the platform does. */
  delete(table: string, id: string): void {
    const r = this.get(table, id);
    this.records.get(table)!.delete(id);
    this.put('sys_audit_delete', sysId(`audit:${table}:${id}`), { tablename: table, documentkey: id, display_value: r.values.number ?? id, payload: `<record_update table="${table}"><${table}><sys_id>${id}</sys_id></${table}></record_update>` }, this.now.getTime());
  }

  get(table: string, id: string): SnRecord {
    const r = this.records.get(table)?.get(id);
    if (!r) throw new Error(`emulator: no ${table} ${id}`);
    return r;
  }

  list(table: string): SnRecord[] {
    return [...(this.records.get(table)?.values() ?? [])];
  }

  private put(table: string, id: string, values: Record<string, string>, at: number): SnRecord {
    const stamp = glideUtc(at);
    const r: SnRecord = { sys_id: id, values: { sys_created_on: stamp, sys_created_by: 'admin', sys_updated_on: stamp, sys_updated_by: 'admin', sys_class_name: table, ...values, sys_id: id } };
    this.records.get(table)!.set(id, r);
    return r;
  }
}
