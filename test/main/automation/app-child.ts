/**
 * A child process that plays the app for crash tests: opens the core on a
 * data directory, stores the API key, defines one automation and runs it. It
 * prints one JSON line when the first step has started, with the pids of the
 * worker and the browser; the parent then kills it (SIGKILL), as a crash would.
 *
 *   KX_DATA_DIR=… KX_START_URL=… PYTHONPATH=<stand-in> node --import tsx test/main/automation/app-child.ts
 */
import { createCore } from '../../../main/core/core.ts';
import { MemorySecretStore } from '../../../main/secrets/memory-store.ts';

const dataDir = process.env.KX_DATA_DIR;
const startUrl = process.env.KX_START_URL;
if (!dataDir || !startUrl) {
  process.stderr.write('app-child: KX_DATA_DIR and KX_START_URL are needed\n');
  process.exit(2);
}
const core = await createCore({ dataDir, secretStore: new MemorySecretStore(), automation: { timing: { heartbeatSeconds: 1 } } });
await core.invoke('novaAct.setApiKey', { apiKey: 'test-key-1234' });
const a = await core.invoke('automations.create', { name: 'Long one', startUrl, steps: [{ instruction: 'wait 120 seconds' }], timeoutSeconds: 300 });
core.onEvent((event, data: any) => {
  if (event === 'automation.step' && data.phase === 'started') {
    const s = core.automations.runner.byRun(data.runId)!;
    process.stdout.write(`${JSON.stringify({ runId: data.runId, worker: s.workerPid, browser: s.browserPid, artifactsDir: `${dataDir}/automations/${data.runId}` })}\n`);
  }
});
await core.invoke('automations.run', { id: a.id, wait: true });
