import { KinexusError } from '../../shared/errors.ts';
import { github } from './github/spec.ts';
import { jira } from './jira/spec.ts';
import { confluence } from './confluence/spec.ts';
import { monday } from './monday/spec.ts';
import { servicenow } from './servicenow/spec.ts';
import { mcp } from './mcp/spec.ts';
import { sharepoint } from './sharepoint/spec.ts';
import type { ConnectorSpec } from './types.ts';

/** Every connector this build ships, in the order the UI lists them. */
export const connectors: ConnectorSpec<any>[] = [github, mcp, monday, servicenow, jira, sharepoint, confluence];

/** Looks a connector up by id; unknown ids get an error that lists the known ones. */
export function getConnector(id: string, list: ConnectorSpec<any>[] = connectors): ConnectorSpec<any> {
  const c = list.find((x) => x.id === id);
  if (!c) throw new KinexusError('invalid_input', `Unknown connector "${id}". Available: ${list.map((x) => x.id).join(', ')}.`, { field: 'connector', action: 'Use one of the listed connector ids' });
  return c;
}
