import { describe, expect, it } from 'vitest';
import { fieldsFromSchema, humanize, initialValues, placeIssue, settingsFromValues } from '../../renderer/views/integrations/schema-fields.ts';
import { checkForm, orderedErrors } from '../../renderer/views/integrations/form-validation.ts';
import type { ConnectorInfo } from '../../shared/schemas.ts';

// What the core sends for GitHub (z.toJSONSchema of its settings, io: 'input').
const GITHUB_SCHEMA = {
  type: 'object',
  properties: {
    baseUrl: { default: 'https://api.github.com', description: 'API base URL', type: 'string', format: 'uri' },
    repositories: { minItems: 1, type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+\\/[A-Za-z0-9_.-]+$' }, description: 'Repositories to mirror, as owner/name' },
    streams: { description: 'What to mirror', minItems: 1, type: 'array', items: { type: 'string', enum: ['commits', 'issues', 'pull_requests', 'workflow_runs'] } },
    branch: { description: 'Branch', type: 'string', minLength: 1 },
    draft: { type: 'boolean', default: false },
    pageSize: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
    mode: { type: 'string', enum: ['fast', 'full'], default: 'fast' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['repositories'],
  additionalProperties: false,
};

// An MCP-like discriminated union: the transport decides which fields exist.
const UNION_SCHEMA = {
  oneOf: [
    { type: 'object', properties: { transport: { type: 'string', const: 'stdio' }, command: { type: 'string', minLength: 1 }, args: { type: 'array', default: [], items: { type: 'string' } } }, required: ['transport', 'command'] },
    { type: 'object', properties: { transport: { type: 'string', const: 'http' }, url: { type: 'string', format: 'uri' }, timeoutSeconds: { type: 'integer', default: 30 } }, required: ['transport', 'url'] },
  ],
};

const connector: ConnectorInfo = { id: 'github', title: 'GitHub', description: '', settingsSchema: GITHUB_SCHEMA, secretFields: [{ name: 'token', label: 'Personal access token', required: true }], streams: [], signIn: false };

describe('forms generated from a connector settings schema', () => {
  const fields = fieldsFromSchema(GITHUB_SCHEMA);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it('turns each property into a labelled input of the right kind, with its description as help', () => {
    expect(fields.map((f) => [f.name, f.kind, f.label])).toEqual([
      ['baseUrl', 'url', 'Base URL'],
      ['repositories', 'list', 'Repositories'],
      ['streams', 'choices', 'Streams'],
      ['branch', 'text', 'Branch'],
      ['draft', 'boolean', 'Draft'],
      ['pageSize', 'number', 'Page size'],
      ['mode', 'select', 'Mode'],
      ['headers', 'json', 'Headers'],
    ]);
    expect(byName.repositories.help).toBe('Repositories to mirror, as owner/name');
    expect(byName.streams.options).toEqual(['commits', 'issues', 'pull_requests', 'workflow_runs']);
  });

  it('marks only required fields without a default as required', () => {
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(['repositories']);
  });

  it('starts a new integration from the defaults and an edited one from its stored settings', () => {
    expect(initialValues(fields)).toMatchObject({ baseUrl: 'https://api.github.com', repositories: '', streams: [], draft: false, mode: 'fast' });
    expect(initialValues(fields, { repositories: ['a/b', 'c/d'], streams: ['issues'], headers: { x: '1' } })).toMatchObject({ repositories: 'a/b\nc/d', streams: ['issues'], headers: '{\n  "x": "1"\n}' });
  });

  it('builds settings from the inputs, leaving empty optional fields out', () => {
    const values = { ...initialValues(fields), repositories: ' acme/api \n\nacme/web,acme/docs ', pageSize: '50', streams: ['pull_requests', 'commits'] };
    const { settings, errors } = settingsFromValues(fields, values);
    expect(errors).toEqual({});
    // Choices keep the schema's order, not the click order.
    expect(settings).toEqual({ baseUrl: 'https://api.github.com', repositories: ['acme/api', 'acme/web', 'acme/docs'], streams: ['commits', 'pull_requests'], draft: false, pageSize: 50, mode: 'fast' });
  });

  it('reports what it can see itself: a missing required list, a non-number, broken JSON', () => {
    const { errors } = settingsFromValues(fields, { ...initialValues(fields), pageSize: 'ten', headers: '{oops' });
    expect(errors).toEqual({ repositories: 'Enter at least one value for Repositories, one per line', pageSize: 'Page size must be a number', headers: 'Headers is not valid JSON' });
  });

  it('puts a core issue on its field and names the line of a list', () => {
    expect(placeIssue(fields, 'repositories.1', 'use owner/name, e.g. octocat/hello-world')).toEqual({ field: 'repositories', message: 'Line 2: Use owner/name, e.g. octocat/hello-world' });
    expect(placeIssue(fields, 'baseUrl', 'must be an http(s) URL')).toEqual({ field: 'baseUrl', message: 'Must be an http(s) URL' });
    expect(placeIssue(fields, 'nope', 'x')).toBeNull();
  });

  it('shows a union as a choice of its discriminator followed by the chosen branch\'s fields', () => {
    expect(fieldsFromSchema(UNION_SCHEMA).map((f) => `${f.name}:${f.kind}`)).toEqual(['transport:select', 'command:text', 'args:list']);
    const http = fieldsFromSchema(UNION_SCHEMA, { transport: 'http' });
    expect(http.map((f) => f.name)).toEqual(['transport', 'url', 'timeoutSeconds']);
    // A field that just appeared starts from its default.
    expect(settingsFromValues(http, { transport: 'http', url: 'https://mcp.example' }).settings).toEqual({ transport: 'http', url: 'https://mcp.example', timeoutSeconds: 30 });
  });

  it('humanizes property names into labels', () => {
    expect(['siteUrl', 'clientId', 'pull_requests', 'tokenEnv', 'jql'].map(humanize)).toEqual(['Site URL', 'Client ID', 'Pull requests', 'Token env', 'JQL']);
  });
});

describe('the integration form\'s own checks', () => {
  const fields = fieldsFromSchema(GITHUB_SCHEMA);
  const empty = { name: '', values: initialValues(fields), secrets: {}, remove: {} };

  it('asks for a name, the required settings and the required secret of a new integration, in screen order', () => {
    const { errors } = checkForm(connector, fields, empty, {});
    expect(orderedErrors(errors, fields, connector)).toEqual([
      ['name', 'Enter a name, e.g. "Work GitHub"'],
      ['settings.repositories', 'Enter at least one value for Repositories, one per line'],
      ['secrets.token', 'Enter the personal access token'],
    ]);
  });

  it('does not ask again for a secret that is stored, and sends only secrets that were typed', () => {
    const filled = { ...empty, name: 'Work', values: { ...empty.values, repositories: 'a/b' } };
    expect(checkForm(connector, fields, filled, { token: true })).toMatchObject({ errors: {}, secrets: {} });
    expect(checkForm(connector, fields, { ...filled, secrets: { token: 'ghp_new' } }, { token: true }).secrets).toEqual({ token: 'ghp_new' });
  });

  it('needs no name to test a draft', () => {
    expect(checkForm(connector, fields, { ...empty, values: { ...empty.values, repositories: 'a/b' }, secrets: { token: 't' } }, {}, true).errors).toEqual({});
  });
});
