import type { Health, HealthState } from '../../shared/sync.ts';

export interface HealthNotice {
  integrationId: string;
  title: string;
  body: string;
  kind: 'worse' | 'recovered';
}

const BAD: HealthState[] = ['failing', 'needs_credentials'];
/** States that say nothing new about whether the integration works. */
const TRANSIENT: HealthState[] = ['syncing', 'paused', 'offline', 'rate_limited', 'disabled'];

/**
 * Decides when health changes deserve an OS notification: once when an
 * integration gets worse (healthy → failing or needs credentials) and once
 * when it recovers; never one per failed run, and at most one per
 * integration per `minIntervalMs`.
 */
export class NotificationPolicy {
  private readonly stable = new Map<string, HealthState>();
  private readonly lastNotified = new Map<string, { at: number; kind: HealthNotice['kind'] }>();

  constructor(private readonly minIntervalMs = 30 * 60_000) {}

  /** Feeds one health update; returns the notification to show, if any. */
  consider(h: Health, enabled: boolean, now: number): HealthNotice | null {
    if (TRANSIENT.includes(h.state)) return null;
    const before = this.stable.get(h.integrationId);
    this.stable.set(h.integrationId, h.state);
    if (!enabled || before === undefined || before === h.state) return null;
    let notice: HealthNotice | null = null;
    if (BAD.includes(h.state) && !BAD.includes(before)) {
      notice = {
        integrationId: h.integrationId,
        kind: 'worse',
        title: h.state === 'needs_credentials' ? `${h.name}: reconnect needed` : `${h.name} is failing`,
        body: [h.lastError?.message, h.lastError?.action].filter(Boolean).join(' — ') || h.summary,
      };
    } else if (h.state === 'healthy' && BAD.includes(before)) {
      notice = { integrationId: h.integrationId, kind: 'recovered', title: `${h.name} is syncing again`, body: h.summary };
    }
    if (!notice) return null;
    const last = this.lastNotified.get(h.integrationId);
    // A recovery right after its failure notice is always worth telling; repeats are not.
    if (last && now - last.at < this.minIntervalMs && !(notice.kind === 'recovered' && last.kind === 'worse')) return null;
    this.lastNotified.set(h.integrationId, { at: now, kind: notice.kind });
    return notice;
  }

  /** Seeds the known states at start-up, so the first update is not mistaken for a change. */
  seed(all: Health[]): void {
    for (const h of all) if (!TRANSIENT.includes(h.state)) this.stable.set(h.integrationId, h.state);
  }
}
