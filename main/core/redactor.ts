/**
 * Knows every secret value the process has seen and removes them from any
 * text before it is logged, stored in a run record or returned by the API.
 */
export class Redactor {
  private readonly values = new Set<string>();

  /** Remembers a secret value (values shorter than 4 characters are too generic to scrub reliably). */
  add(value: string | null | undefined): void {
    if (value && value.length >= 4) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) {
      if (out.includes(v)) out = out.split(v).join('[redacted]');
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (this.values.size === 0) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }
}
