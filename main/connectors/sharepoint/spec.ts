import type { z } from 'zod';
import { KinexusError } from '../../../shared/errors.ts';
import { defineConnector, type ConnectorContext, type TestReport } from '../types.ts';
import { GraphAuth } from './auth.ts';
import { graphFor, type GraphDrive } from './graph-client.ts';
import { graphRateLimit } from './rate-limit.ts';
import { SharePointSettings } from './settings.ts';
import { sharepointStreams } from './streams.ts';

export { SharePointSettings } from './settings.ts';

/** SharePoint Online through Microsoft Graph, signed in with the device code flow. */
export const sharepoint = defineConnector<SharePointSettings>({
  id: 'sharepoint',
  title: 'SharePoint',
  description: 'Documents of your SharePoint libraries and the items of your lists, through Microsoft Graph.',
  settings: SharePointSettings as unknown as z.ZodType<SharePointSettings>,
  // No typed secret: the user signs in with a device code and the token cache stays in the keychain.
  secretFields: [],
  http: (settings) => ({ title: 'SharePoint', baseUrl: `${settings.graphBaseUrl}/v1.0`, auth: { type: 'none' }, rateLimit: graphRateLimit }),
  hosts: (settings) => [...new Set(settings.sites.map((s) => s.split(':')[0]!))],
  testConnection: testSharePoint,
  streams: sharepointStreams,
  enabledStreams: (settings) => settings.streams ?? sharepointStreams.map((s) => s.name),
  signIn: {
    cacheField: 'msal-cache',
    action: 'Sign in to SharePoint',
    run: (ctx) => new GraphAuth(ctx).signIn(),
  },
});

/** Who is signed in, and for each configured site whether it resolves and which libraries it has. */
async function testSharePoint(ctx: ConnectorContext<SharePointSettings>): Promise<TestReport> {
  const graph = graphFor(ctx);
  await graph.auth.token();
  const identity = await graph.auth.identity();
  const reachable: TestReport['reachable'] = [];
  const found: string[] = [];
  let latencyMs: number | undefined;
  for (const spec of ctx.settings.sites) {
    const started = performance.now();
    try {
      const site = await graph.site(ctx, spec);
      latencyMs ??= Math.round(performance.now() - started);
      const drives = await graph.all<GraphDrive>(ctx, `/sites/${site.id}/drives`);
      found.push(...drives.map((d) => d.name.toLowerCase()));
      reachable.push({ name: spec, ok: true, detail: `${site.title}: ${drives.length} ${drives.length === 1 ? 'library' : 'libraries'} (${drives.map((d) => d.name).join(', ') || 'none'})` });
    } catch (err) {
      if (err instanceof KinexusError && (err.code === 'config' || err.code === 'permission')) reachable.push({ name: spec, ok: false, detail: err.message });
      else throw err;
    }
  }
  for (const lib of ctx.settings.libraries ?? []) {
    if (!found.includes(lib.toLowerCase())) reachable.push({ name: `library "${lib}"`, ok: false, detail: 'not found on any configured site' });
  }
  return { identity, scopes: graph.auth.scopes, reachable, latencyMs };
}
