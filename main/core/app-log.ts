import fs from 'node:fs';
import path from 'node:path';
import type { Redactor } from './redactor.ts';

export type AppLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The application log: JSON lines in <dataDir>/logs/app.log, every line passed
 * through the redactor, rotated once it passes `maxBytes`.
 */
export class AppLog {
  private readonly file: string | null;
  constructor(
    dataDir: string | null,
    private readonly redactor: Redactor,
    private readonly maxBytes = 5 * 1024 * 1024,
  ) {
    this.file = dataDir ? path.join(dataDir, 'logs', 'app.log') : null;
    if (this.file) fs.mkdirSync(path.dirname(this.file), { recursive: true });
  }

  get path(): string | null {
    return this.file;
  }

  write(level: AppLogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (!this.file) return;
    const line = this.redactor.redact(JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })) + '\n';
    try {
      const size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
      if (size + line.length > this.maxBytes) fs.renameSync(this.file, `${this.file}.1`);
      fs.appendFileSync(this.file, line, { mode: 0o600 });
    } catch {
      // Logging must never take the app down (disk full, read-only data dir).
    }
  }
}
