import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { FullRecord } from '../../shared/sync.ts';
import { parseRecordUri, RECORD_URI_TEMPLATE, recordUri, type Mirror } from './mirror.ts';

/** The spec's code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;
/** How many of the most recently updated records resources/list offers; the rest are reachable by URI. */
const LISTED_RECORDS = 200;
const MAX_TEXT = 100_000;

/** A record as a Markdown document: what a person would want to read first, then the text. */
function renderRecord(r: FullRecord): string {
  const facts = [
    ['Source', `${r.source} ${r.kind}${r.container ? ` in ${r.container}` : ''}`],
    ['Status', r.status],
    ['Author', r.author],
    ['Updated', r.updatedAt],
    ['URL', r.url],
  ].filter(([, v]) => v);
  const text = r.text.length > MAX_TEXT ? `${r.text.slice(0, MAX_TEXT)}\n\n[… cut at ${MAX_TEXT} characters; get_record returns more]` : r.text;
  return [`# ${r.title}`, '', ...facts.map(([k, v]) => `- ${k}: ${v}`), '', text].join('\n');
}

/** Registers the record resources under `kinexus://records/{source}/{kind}/{id}`. */
export function registerRecordResources(server: McpServer, mirror: Mirror): void {
  server.registerResource(
    'record',
    new ResourceTemplate(RECORD_URI_TEMPLATE, {
      list: async () => {
        const { hits } = await mirror.list({ limit: LISTED_RECORDS, offset: 0 });
        return {
          resources: hits.map((h) => ({ uri: recordUri(h), name: h.title, description: `${h.source} ${h.kind}${h.container ? ` in ${h.container}` : ''}`, mimeType: 'text/markdown' })),
        };
      },
    }),
    { title: 'Mirrored record', description: 'One record of the Kinexus mirror as Markdown: an issue, pull request, commit, page, ticket, document or MCP resource.', mimeType: 'text/markdown' },
    async (uri) => {
      // The URI is parsed here rather than taken from the template's variables, which stay percent-encoded.
      const p = parseRecordUri(uri.href);
      const record = p ? await mirror.findByExternal(p.source, p.kind, p.externalId) : undefined;
      if (!record) throw new McpError(RESOURCE_NOT_FOUND, `No record at ${uri.href} in the Kinexus mirror`, { uri: uri.href });
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: renderRecord(record) }] };
    },
  );
}
