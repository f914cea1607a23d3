import readline from 'node:readline';
import { Writable } from 'node:stream';
import { KinexusError } from '../../shared/errors.ts';

/** Reads all of stdin as text. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses the secrets JSON object given on stdin. The error never echoes the
 * input: it may hold a secret.
 */
export function parseSecretsJson(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KinexusError('invalid_input', 'The secrets on stdin are not valid JSON.', { field: 'secrets', action: 'Pipe a JSON object such as {"token":"…"} into --secrets-stdin' });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new KinexusError('invalid_input', 'The secrets on stdin must be a JSON object of field names to strings.', { field: 'secrets', action: 'Pipe a JSON object such as {"token":"…"} into --secrets-stdin' });
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new KinexusError('invalid_input', `The secret "${k}" must be a string.`, { field: `secrets.${k}` });
  }
  return value as Record<string, string>;
}

/** Parses --config JSON, naming what is wrong without guessing. */
export function parseConfigJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new KinexusError('invalid_input', `--config is not valid JSON: ${(err as Error).message}.`, { field: 'config', action: `Quote it for your shell, e.g. --config '{"repositories":["owner/repo"]}'` });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new KinexusError('invalid_input', '--config must be a JSON object.', { field: 'config', action: `Pass an object, e.g. --config '{"repositories":["owner/repo"]}'` });
  }
  return value as Record<string, unknown>;
}

/** Asks for a value on the terminal without echoing what is typed. */
export async function promptHidden(question: string): Promise<string> {
  let muted = false;
  const out = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output: out, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
