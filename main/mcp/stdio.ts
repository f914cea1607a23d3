import fs from 'node:fs';
import path from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { KinexusError } from '../../shared/errors.ts';
import { KeytarSecretStore } from '../secrets/keytar-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { DB_FILE, openDatabase } from '../store/database.ts';
import { readonlyMirror } from './readonly-mirror.ts';
import { createMirrorServer } from './server.ts';

export interface StdioOptions {
  dataDir: string;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  /** For tests; the OS keychain otherwise (only touched when sync_now is handed to the app). */
  secrets?: () => SecretStore;
}

/**
 * Keeps stdout for protocol messages only: anything that logs with
 * console.log/info/debug (ours or a dependency's) is sent to stderr instead.
 */
export function protectStdout(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/**
 * `kinexus mcp`: serves the mirror over stdio until the client closes stdin.
 * The database is opened read-only (query_only), so it runs safely beside the
 * app; it never creates a database that does not exist.
 */
export async function runStdioServer(o: StdioOptions): Promise<void> {
  if (!fs.existsSync(path.join(o.dataDir, DB_FILE))) {
    throw new KinexusError('config', `There is no Kinexus mirror in ${o.dataDir} yet.`, { action: 'Start Kinexus Desktop once and add an integration, or set KINEXUS_DATA_DIR to the data directory the app uses' });
  }
  const db = openDatabase(o.dataDir, { readonly: true });
  let keychain: SecretStore | undefined;
  const secrets = o.secrets ?? (() => (keychain ??= new KeytarSecretStore({ timeoutMs: 5000 })));
  const server = createMirrorServer(readonlyMirror({ db, dataDir: o.dataDir, secrets }));
  const transport = new StdioServerTransport(o.stdin as never, o.stdout as never);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  const stdin = o.stdin ?? process.stdin;
  // The client ends the session by closing our stdin (the spec's shutdown for stdio).
  await Promise.race([closed, new Promise<void>((resolve) => stdin.once('end', () => resolve()))]);
  await server.close().catch(() => undefined);
  db.close();
}
