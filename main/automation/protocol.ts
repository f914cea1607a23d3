import { z } from 'zod';
import { ErrorCode } from '../../shared/errors.ts';

/**
 * The sidecar protocol between the core and python/worker.py: JSON lines,
 * commands on the worker's fd 3, messages back on its fd 4 (the SDK owns
 * stdout and stderr). Every message the worker sends is parsed here; one that
 * does not parse is a protocol error, never guessed at.
 */
export const PROTOCOL_VERSION = 1;

export const WorkerErrorBody = z.object({
  errorClass: z.string(),
  mro: z.array(z.string()),
  code: ErrorCode,
  retryable: z.boolean(),
  message: z.string(),
});
export type WorkerErrorBody = z.infer<typeof WorkerErrorBody>;

export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocol: z.number().int(), pid: z.number().int(), python: z.string(), novaAct: z.string().nullable(), standIn: z.boolean(), error: WorkerErrorBody.nullable() }),
  z.object({ type: z.literal('started'), sessionId: z.string().nullable(), guardrail: z.boolean() }),
  z.object({
    type: z.literal('result'),
    index: z.number().int(),
    metadata: z.object({
      sessionId: z.string().nullable(),
      actId: z.string().nullable(),
      numStepsExecuted: z.number().int().nullable(),
      startTime: z.number().nullable(),
      endTime: z.number().nullable(),
      prompt: z.string().nullable(),
    }),
    pageUrl: z.string().nullable(),
    files: z.array(z.string()),
    response: z.string().nullable().optional(),
    parsed: z.unknown().optional(),
    validJson: z.boolean().nullable().optional(),
    matchesSchema: z.boolean().nullable().optional(),
  }),
  WorkerErrorBody.extend({
    type: z.literal('error'),
    index: z.number().int().nullable(),
    phase: z.enum(['start', 'act', 'protocol']),
    pageUrl: z.string().nullable().optional(),
    files: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('heartbeat'), at: z.number() }),
  z.object({ type: z.literal('cancelled') }),
  z.object({ type: z.literal('bye') }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
export type WorkerResult = Extract<WorkerMessage, { type: 'result' }>;
export type WorkerError = Extract<WorkerMessage, { type: 'error' }>;

export type WorkerCommand =
  | {
      type: 'start';
      startUrl: string;
      headless: boolean;
      cdpEndpointUrl: string | null;
      userDataDir: string | null;
      logsDirectory: string;
      allowedDomains: string[];
      /** The browser's process group, which the worker ends if the app goes away. */
      browserPid: number | null;
    }
  | { type: 'act'; index: number; instruction: string; schema: Record<string, unknown> | null; maxSteps: number; timeoutSeconds: number }
  | { type: 'cancel' }
  | { type: 'shutdown' };

/** One command as a protocol line. */
export function encodeCommand(cmd: WorkerCommand): string {
  return `${JSON.stringify(cmd)}\n`;
}

/** Splits a byte stream into lines and parses each as a worker message. */
export class LineDecoder {
  private buffer = '';
  constructor(
    private readonly onMessage: (m: WorkerMessage) => void,
    private readonly onBadLine: (line: string, why: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    this.buffer += chunk.toString();
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.parse(line);
    }
  }

  private parse(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.onBadLine(line, 'not JSON');
      return;
    }
    const parsed = WorkerMessage.safeParse(value);
    if (parsed.success) this.onMessage(parsed.data);
    else this.onBadLine(line, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
}
