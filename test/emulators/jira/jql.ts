/**
 * A JQL subset for the Jira emulator: enough of the language, and of its
 * error messages, to hold a client to what Jira Cloud accepts.
 *
 *  - Clauses `field op value` joined by AND / OR / NOT and parentheses, then
 *    `ORDER BY field [ASC|DESC], …`.
 *  - Fields: project, updated/updatedDate, created/createdDate,
 *    id/issue/issuekey/key, status, labels, issuetype/type, assignee,
 *    reporter, summary, description, comment, text. Others: 400 "Field 'x' does
 *    not exist or you do not have permission to view it."
 *  - Date values: a number is epoch milliseconds (exact); 'yyyy-MM-dd HH:mm',
 *    'yyyy/MM/dd HH:mm', 'yyyy-MM-dd', 'yyyy/MM/dd' are read in the caller's
 *    time zone at minute precision (what makes minute bounds skip or repeat
 *    issues); periods like -5d, -2h, -30m, -1w count back from now.
 *  - project values must name a project the caller can browse, else
 *    "The value 'X' does not exist for the field 'project'.".
 *  - ORDER BY: updated, created, id, key/issuekey; others "Not able to sort using field 'x'.".
 */
import type { JiraIssue, JiraState } from './state.ts';

export class JqlError extends Error {}

type Value = { kind: 'str'; v: string } | { kind: 'num'; v: string } | { kind: 'list'; items: Value[] } | { kind: 'empty' } | { kind: 'fn'; name: string };
type Expr = { kind: 'and'; items: Expr[] } | { kind: 'or'; items: Expr[] } | { kind: 'not'; item: Expr } | { kind: 'cmp'; field: string; op: string; value: Value; at: number };
export interface SortKey {
  field: 'updated' | 'created' | 'id' | 'key';
  desc: boolean;
}
export interface CompiledJql {
  match(issue: JiraIssue): boolean;
  order: SortKey[];
  /** Whether the query restricts anything (the enhanced search refuses unbounded queries). */
  bounded: boolean;
}
export interface JqlContext {
  state: JiraState;
  accountId: string | null;
  timeZone: string;
  now: number;
}

interface Tok {
  t: 'word' | 'str' | 'op' | 'punct';
  v: string;
  at: number;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c, at: i });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '>=' || two === '<=' || two === '!~') {
      out.push({ t: 'op', v: two, at: i });
      i += 2;
      continue;
    }
    if ('=<>~'.includes(c)) {
      out.push({ t: 'op', v: c, at: i });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw new JqlError(`Error in the JQL Query: The quoted string '${s}' has not been completed. (line 1, character ${i + 1})`);
      out.push({ t: 'str', v: s, at: i });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < src.length && /[^\s()=!<>~,"']/.test(src[j]!)) j++;
    if (j === i) throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`);
    out.push({ t: 'word', v: src.slice(i, j), at: i });
    i = j;
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'order', 'by', 'asc', 'desc', 'empty', 'null']);

class Parser {
  private p = 0;
  constructor(private readonly toks: Tok[]) {}
  peek(): Tok | undefined {
    return this.toks[this.p];
  }
  isWord(w: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v.toLowerCase() === w;
  }
  next(): Tok {
    const t = this.toks[this.p++];
    if (!t) throw new JqlError('Error in the JQL Query: Expecting either a value, list or function but got end of query.');
    return t;
  }
  parseQuery(): { expr: Expr | null; order: { field: string; desc: boolean; at: number }[] } {
    let expr: Expr | null = null;
    if (this.peek() && !this.isWord('order')) expr = this.parseOr();
    const order: { field: string; desc: boolean; at: number }[] = [];
    if (this.isWord('order')) {
      this.next();
      if (!this.isWord('by')) throw new JqlError(`Error in the JQL Query: Expecting 'by' but got '${this.peek()?.v ?? 'end of query'}'.`);
      this.next();
      for (;;) {
        const f = this.next();
        if (f.t !== 'word' && f.t !== 'str') throw new JqlError(`Error in the JQL Query: Expecting a field name but got '${f.v}'. (line 1, character ${f.at + 1})`);
        let desc = false;
        if (this.isWord('asc') || this.isWord('desc')) desc = this.next().v.toLowerCase() === 'desc';
        order.push({ field: f.v, desc, at: f.at });
        if (this.peek()?.v === ',') {
          this.next();
          continue;
        }
        break;
      }
    }
    const rest = this.peek();
    if (rest) throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${rest.v}'. (line 1, character ${rest.at + 1})`);
    return { expr, order };
  }
  parseOr(): Expr {
    const items = [this.parseAnd()];
    while (this.isWord('or')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or' as const, items };
  }
  parseAnd(): Expr {
    const items = [this.parseNot()];
    while (this.isWord('and')) {
      this.next();
      items.push(this.parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'and' as const, items };
  }
  parseNot(): Expr {
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', item: this.parseNot() };
    }
    if (this.peek()?.v === '(' && this.peek()?.t === 'punct') {
      this.next();
      const e = this.parseOr();
      if (this.next().v !== ')') throw new JqlError("Error in the JQL Query: Expecting ')' before the end of the query.");
      return e;
    }
    const f = this.next();
    if ((f.t !== 'word' && f.t !== 'str') || (f.t === 'word' && KEYWORDS.has(f.v.toLowerCase()))) {
      throw new JqlError(`Error in the JQL Query: Expecting a field name but got '${f.v}'. (line 1, character ${f.at + 1})`);
    }
    let op: string;
    const o = this.next();
    if (o.t === 'op') op = o.v;
    else if (o.t === 'word' && o.v.toLowerCase() === 'in') op = 'in';
    else if (o.t === 'word' && o.v.toLowerCase() === 'not' && this.isWord('in')) {
      this.next();
      op = 'not in';
    } else if (o.t === 'word' && o.v.toLowerCase() === 'is') {
      op = 'is';
      if (this.isWord('not')) {
        this.next();
        op = 'is not';
      }
    } else throw new JqlError(`Error in the JQL Query: Expecting operator but got '${o.v}'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character ${o.at + 1})`);
    return { kind: 'cmp', field: f.v, op, value: this.parseValue(), at: f.at };
  }
  parseValue(): Value {
    const t = this.next();
    if (t.t === 'punct' && t.v === '(') {
      const items: Value[] = [];
      if (this.peek()?.v !== ')') {
        for (;;) {
          items.push(this.parseValue());
          if (this.peek()?.v === ',') {
            this.next();
            continue;
          }
          break;
        }
      }
      if (this.next().v !== ')') throw new JqlError("Error in the JQL Query: Expecting ')' to close the list.");
      return { kind: 'list', items };
    }
    if (t.t === 'str') return { kind: 'str', v: t.v };
    if (t.t === 'word') {
      const low = t.v.toLowerCase();
      if (low === 'empty' || low === 'null') return { kind: 'empty' };
      if (this.peek()?.v === '(' && this.peek()?.t === 'punct') {
        this.next();
        if (this.next().v !== ')') throw new JqlError(`Error in the JQL Query: Function '${t.v}' takes no arguments here.`);
        return { kind: 'fn', name: t.v };
      }
      if (KEYWORDS.has(low)) throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got '${t.v}'. You must surround '${t.v}' in quotation marks to use it as a value. (line 1, character ${t.at + 1})`);
      return /^-?\d+$/.test(t.v) ? { kind: 'num', v: t.v } : { kind: 'str', v: t.v };
    }
    throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got '${t.v}'. (line 1, character ${t.at + 1})`);
  }
}

const DATE_FORMATS_HELP = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

/** Offset of a time zone at an instant, ms (e.g. +7200000 for CEST). */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function zoneOffset(at: number, timeZone: string): number {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

function localToEpoch(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - zoneOffset(guess, timeZone);
  return guess - zoneOffset(first, timeZone);
}

function dateValue(v: Value, field: string, ctx: JqlContext): number {
  const raw = v.kind === 'num' || v.kind === 'str' ? v.v.trim() : '';
  if (v.kind === 'num') return Number(raw);
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(raw);
  if (m) return localToEpoch(+m[1]!, +m[2]!, +m[3]!, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, ctx.timeZone);
  const period = /^([-+]?)\s*((?:\d+\s*[wdhm]\s*)+)$/.exec(raw);
  if (period) {
    const unit: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
    let ms = 0;
    for (const p of period[2]!.matchAll(/(\d+)\s*([wdhm])/g)) ms += Number(p[1]) * unit[p[2]!]!;
    return ctx.now + (period[1] === '-' ? -ms : ms);
  }
  throw new JqlError(`Date value '${raw}' for field '${field}' is invalid. ${DATE_FORMATS_HELP}`);
}

function cmpNum(a: number, op: string, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return false;
  }
}

function listOf(v: Value): Value[] {
  return v.kind === 'list' ? v.items : [v];
}

function issueText(i: JiraIssue, part: 'summary' | 'description' | 'comment' | 'text'): string {
  const walk = (n: unknown): string => (n && typeof n === 'object' ? (typeof (n as { text?: unknown }).text === 'string' ? (n as { text: string }).text + ' ' : '') + (Array.isArray((n as { content?: unknown }).content) ? ((n as { content: unknown[] }).content.map(walk).join(' ')) : '') : '');
  const parts: string[] = [];
  if (part === 'summary' || part === 'text') parts.push(i.summary);
  if (part === 'description' || part === 'text') parts.push(walk(i.description));
  if (part === 'comment' || part === 'text') parts.push(...i.comments.map((c) => walk(c.body)));
  return parts.join(' ').toLowerCase();
}

function compile(e: Expr, ctx: JqlContext): (i: JiraIssue) => boolean {
  if (e.kind === 'and') {
    const fs = e.items.map((x) => compile(x, ctx));
    return (i) => fs.every((f) => f(i));
  }
  if (e.kind === 'or') {
    const fs = e.items.map((x) => compile(x, ctx));
    return (i) => fs.some((f) => f(i));
  }
  if (e.kind === 'not') {
    const f = compile(e.item, ctx);
    return (i) => !f(i);
  }
  const field = e.field.toLowerCase();
  const { op, value } = e;
  const unsupported = () => new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${e.field}' field.`);
  const setOp = (values: Set<string>, get: (i: JiraIssue) => string | null) => {
    if (op === '=' || op === 'in') return (i: JiraIssue) => values.has(String(get(i) ?? '').toLowerCase());
    if (op === '!=' || op === 'not in') return (i: JiraIssue) => !values.has(String(get(i) ?? '').toLowerCase());
    if (op === 'is') return (i: JiraIssue) => get(i) === null;
    if (op === 'is not') return (i: JiraIssue) => get(i) !== null;
    throw unsupported();
  };
  const strs = (v: Value) => new Set(listOf(v).map((x) => (x.kind === 'str' || x.kind === 'num' ? x.v.toLowerCase() : x.kind === 'fn' && x.name.toLowerCase() === 'currentuser' ? (ctx.accountId ?? '').toLowerCase() : '')));
  switch (field) {
    case 'project': {
      if (!['=', '!=', 'in', 'not in'].includes(op)) throw unsupported();
      const keys = new Set<string>();
      for (const x of listOf(value)) {
        const name = x.kind === 'str' || x.kind === 'num' ? x.v : '';
        const p = [...ctx.state.projects.values()].find((pr) => pr.key.toLowerCase() === name.toLowerCase() || pr.id === name || pr.name.toLowerCase() === name.toLowerCase());
        if (!p || !ctx.state.canBrowse(p, ctx.accountId)) throw new JqlError(`The value '${name}' does not exist for the field 'project'.`);
        keys.add(p.key.toLowerCase());
      }
      return setOp(keys, (i) => i.projectKey);
    }
    case 'updated':
    case 'updateddate':
    case 'created':
    case 'createddate': {
      if (!['=', '!=', '>', '>=', '<', '<='].includes(op)) throw unsupported();
      const bound = dateValue(value, e.field, ctx);
      const get = field.startsWith('updated') ? (i: JiraIssue) => i.updated : (i: JiraIssue) => i.created;
      return (i) => cmpNum(get(i), op, bound);
    }
    case 'id':
    case 'issue':
    case 'issuekey':
    case 'key': {
      const ids: number[] = [];
      for (const x of listOf(value)) {
        const raw = x.kind === 'str' || x.kind === 'num' ? x.v : '';
        const found = ctx.state.find(raw);
        if (!found) throw new JqlError(`An issue with key '${raw}' does not exist for field '${e.field}'.`);
        ids.push(found.id);
      }
      if (op === 'in' || op === '=') return (i) => ids.includes(i.id);
      if (op === 'not in' || op === '!=') return (i) => !ids.includes(i.id);
      if (['>', '>=', '<', '<='].includes(op) && ids.length === 1) {
        const ref = ctx.state.find(ids[0]!)!;
        const num = (k: string) => Number(k.split('-')[1]);
        return (i) => i.projectKey === ref.projectKey && cmpNum(num(i.key), op, num(ref.key));
      }
      throw unsupported();
    }
    case 'status':
      return setOp(strs(value), (i) => i.status);
    case 'issuetype':
    case 'type':
      return setOp(strs(value), (i) => i.issuetype);
    case 'assignee':
      return setOp(strs(value), (i) => i.assigneeId);
    case 'reporter':
      return setOp(strs(value), (i) => i.reporterId);
    case 'labels': {
      const want = strs(value);
      if (op === '=' || op === 'in') return (i) => i.labels.some((l) => want.has(l.toLowerCase()));
      if (op === '!=' || op === 'not in') return (i) => !i.labels.some((l) => want.has(l.toLowerCase()));
      if (op === 'is') return (i) => i.labels.length === 0;
      if (op === 'is not') return (i) => i.labels.length > 0;
      throw unsupported();
    }
    case 'summary':
    case 'description':
    case 'comment':
    case 'text': {
      if (op !== '~' && op !== '!~') throw unsupported();
      const needle = value.kind === 'str' || value.kind === 'num' ? value.v.toLowerCase().replace(/[*?]/g, '') : '';
      return (i) => issueText(i, field as 'summary').includes(needle) === (op === '~');
    }
    default:
      throw new JqlError(`Field '${e.field}' does not exist or you do not have permission to view it.`);
  }
}

/** Parses and checks a JQL query for one caller; throws JqlError with Jira's wording. */
export function compileJql(jql: string, ctx: JqlContext): CompiledJql {
  const { expr, order } = new Parser(tokenize(jql)).parseQuery();
  const keys: SortKey[] = order.map((o) => {
    const f = o.field.toLowerCase();
    const field = f === 'updated' || f === 'updateddate' ? 'updated' : f === 'created' || f === 'createddate' ? 'created' : f === 'id' ? 'id' : f === 'key' || f === 'issuekey' ? 'key' : null;
    if (!field) throw new JqlError(`Not able to sort using field '${o.field}'.`);
    return { field, desc: o.desc };
  });
  const match = expr ? compile(expr, ctx) : () => true;
  return { match, order: keys, bounded: expr !== null };
}

/** Sorts issues by the query's ORDER BY (issue id breaks ties, as Jira's index does). */
export function sortIssues(issues: JiraIssue[], order: SortKey[]): JiraIssue[] {
  const val = (i: JiraIssue, f: SortKey['field']) => (f === 'updated' ? i.updated : f === 'created' ? i.created : f === 'id' ? i.id : i.key);
  return [...issues].sort((a, b) => {
    for (const k of order) {
      const x = val(a, k.field);
      const y = val(b, k.field);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
      if (c !== 0) return k.desc ? -c : c;
    }
    return a.id - b.id;
  });
}
