import { z } from 'zod';

/** Environment variable names a shell would accept. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STREAMS = ['resources', 'tools'] as const;

const common = {
  timeoutSeconds: z.number().int().min(1).max(600).default(30).describe('How long one request may take; the start-up of a stdio server gets at least 30 s (npx may download it first)'),
  streams: z.array(z.enum(STREAMS)).min(1).optional().describe('What to mirror; both resources and tools when left out'),
  maxResources: z.number().int().min(1).max(10_000).default(500).describe('At most this many resources are read and mirrored per sync'),
};

const StdioSettings = z
  .object({
    transport: z.literal('stdio'),
    command: z.string().trim().min(1, 'name the program that starts the server, e.g. npx').describe('Program that starts the MCP server (it must speak MCP on stdin/stdout)'),
    args: z.array(z.string()).default([]).describe('Arguments, e.g. ["-y", "@modelcontextprotocol/server-everything"]'),
    // Settings are stored in SQLite as plain text: credentials go in the bearerToken secret and tokenEnv.
    env: z
      .record(z.string().regex(ENV_NAME, 'use a variable name such as API_URL'), z.string())
      .default({})
      .describe('Extra environment variables (stored as plain settings: put credentials in the secret, see tokenEnv)'),
    tokenEnv: z.string().regex(ENV_NAME, 'use a variable name such as API_TOKEN').optional().describe('Environment variable that receives the bearerToken secret, for servers that read their credential from the environment'),
    cwd: z.string().min(1).optional().describe('Working directory of the server process'),
    ...common,
  })
  .strict();

const HttpSettings = z
  .object({
    transport: z.literal('http'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:3001/mcp' }).describe('Streamable HTTP endpoint of the MCP server'),
    ...common,
  })
  .strict();

/** Settings of the `mcp` connector: how to reach one external MCP server. */
export const McpSettings = z.discriminatedUnion('transport', [StdioSettings, HttpSettings]);
export type McpSettings = z.infer<typeof McpSettings>;

/** The streams the settings ask for. */
export function wantedStreams(s: McpSettings): string[] {
  return s.streams ?? [...STREAMS];
}
