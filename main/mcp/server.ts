import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../core/version.ts';
import type { Mirror } from './mirror.ts';
import { registerPrompts } from './prompts.ts';
import { registerRecordResources } from './resources.ts';
import { registerMirrorTools } from './tools.ts';

const INSTRUCTIONS = [
  'Kinexus mirrors the user\'s work systems (Jira, Confluence, GitHub, monday.com, ServiceNow, SharePoint and other MCP servers) on their computer.',
  'Use search to find records, get_record for the full text and URL, recent_changes for what changed lately, and list_integrations to see whether the mirror is up to date.',
  'sync_now refreshes one integration when the user asks for fresh data.',
].join(' ');

/** Builds the MCP server over the mirror: five tools, the record resources and the summary prompt. One per connection. */
export function createMirrorServer(mirror: Mirror, now: () => Date = () => new Date()): McpServer {
  const server = new McpServer({ name: 'kinexus', title: 'Kinexus Desktop', version: VERSION }, { instructions: INSTRUCTIONS, capabilities: { logging: {} } });
  registerMirrorTools(server, mirror, now);
  registerRecordResources(server, mirror);
  registerPrompts(server, mirror, now);
  return server;
}
