/**
 * Hosts one emulator in its own process, so its CPU and memory are not the
 * sync's. The spec comes as JSON in BENCH_EMULATOR:
 *   {"kind":"lean","count":N,"token":T}                 lean GitHub issues (lean-issues.ts)
 *   {"kind":"github","issues":N,"token":T}              the full GitHub emulator, one repo acme/api
 *   {"kind":"jira","issues":N,"email":E,"token":T}      the Jira emulator, project ENG
 * Answers `requests` (total so far, with the time spent answering and bytes
 * sent), `clear` and `latency {ms}` (added to every request; lean does not
 * take latency).
 */
import { parent } from '../lib/child.ts';
import { DEFAULT_T0 } from '../lib/issue-data.ts';
import { startLeanIssues } from './lean-issues.ts';

interface Hosted {
  url: string;
  requests(): number;
  /** Time the emulator spent answering (latency included) and bytes it sent, since the last clear. */
  busy(): { ms: number; bytes: number };
  clear(): void;
  latency(ms: number): void;
  close(): Promise<void>;
}

function busy(entries: { durationMs: number; bytesOut: number }[]): { ms: number; bytes: number } {
  return { ms: entries.reduce((n, e) => n + e.durationMs, 0), bytes: entries.reduce((n, e) => n + e.bytesOut, 0) };
}

async function host(spec: Record<string, any>): Promise<Hosted> {
  if (spec.kind === 'lean') {
    const s = await startLeanIssues({ count: spec.count, token: spec.token, t0: DEFAULT_T0 });
    let base = 0;
    return {
      url: s.url,
      requests: () => s.requests - base,
      busy: () => ({ ms: 0, bytes: 0 }),
      clear: () => void (base = s.requests),
      latency: () => {
        throw new Error('the lean emulator takes no latency');
      },
      close: () => s.close(),
    };
  }
  if (spec.kind === 'github') {
    const { startGitHubEmulator } = await import('../../test/emulators/github/server.ts');
    const gh = await startGitHubEmulator({ clock: 'real' });
    gh.state.addUser({ login: 'octo', name: 'Octo Cat', token: spec.token, scopes: ['repo'] });
    // A rate limit that a benchmark never reaches.
    gh.state.settings.rateLimit = 1_000_000;
    gh.state.addRepo({ owner: 'acme', name: 'api', private: true, visibleTo: ['octo'] });
    gh.state.addIssues('acme/api', spec.issues, { start: DEFAULT_T0, stepSeconds: 30 });
    return { url: gh.url, requests: () => gh.requests.total, busy: () => busy(gh.requests.entries), clear: () => gh.requests.clear(), latency: (ms) => void gh.faults.setLatency(ms), close: () => gh.close() };
  }
  if (spec.kind === 'jira') {
    const { startJiraEmulator } = await import('../../test/emulators/jira/server.ts');
    const jira = await startJiraEmulator();
    const u = jira.state.addUser({ email: spec.email, displayName: 'Ana Lima', token: spec.token, timeZone: 'UTC' });
    jira.state.addProject({ key: 'ENG', name: 'Engineering', members: [u.accountId] });
    jira.state.addIssues('ENG', spec.issues, { start: DEFAULT_T0, stepMs: 30_000 });
    return { url: jira.url, requests: () => jira.requests.total, busy: () => busy(jira.requests.entries), clear: () => jira.requests.clear(), latency: (ms) => void jira.faults.setLatency(ms), close: () => jira.close() };
  }
  throw new Error(`unknown emulator kind ${spec.kind}`);
}

try {
  const h = await host(JSON.parse(process.env.BENCH_EMULATOR ?? '{}'));
  parent.serve(
    {
      requests: () => ({ total: h.requests(), ...h.busy() }),
      clear: () => (h.clear(), {}),
      latency: (m) => (h.latency(m.ms), {}),
    },
    () => h.close(),
  );
  parent.ready({ url: h.url });
} catch (err) {
  parent.fail(err);
}
