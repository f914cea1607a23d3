/**
 * HTTPS for emulators. MSAL refuses an authority that is not https, so the
 * Microsoft emulator listens with TLS, using a test-only certificate for
 * 127.0.0.1 signed by a throwaway CA (tls/README.md). The request pipeline is
 * the common one (faults, request log): the https server hands every request
 * to the listener of a plain emulator started for the purpose.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../common/emulator.ts';
import type { FaultController } from '../common/faults.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls');

/** The CA that signed the emulator certificate (PEM): give it to the client's dispatcher. */
export const TEST_CA = fs.readFileSync(path.join(DIR, 'ca.pem'), 'utf8');

/** An undici dispatcher that trusts the emulator CA (and nothing else). */
export function testDispatcher(): Agent {
  return new Agent({ connect: { ca: TEST_CA }, keepAliveTimeout: 1000 });
}

/** Starts an emulator behind https://127.0.0.1:<port>; `url` is the https origin. */
export async function startHttpsEmulator<F extends FaultController>(options: Omit<StartEmulatorOptions<F>, 'onListening'> & { onListening?: (url: string) => void }): Promise<RunningEmulator<F>> {
  const inner = await startEmulator<F>({ ...options, onListening: undefined });
  const listener = inner.server.listeners('request')[0] as (req: unknown, res: unknown) => void;
  const server = https.createServer({ key: fs.readFileSync(path.join(DIR, 'key.pem')), cert: fs.readFileSync(path.join(DIR, 'cert.pem')) }, (req, res) => listener.call(inner.server, req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  options.onListening?.(url);
  let closing: Promise<void> | undefined;
  return {
    ...inner,
    url,
    port,
    server: server as unknown as RunningEmulator<F>['server'],
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        inner.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}
