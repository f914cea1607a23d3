import { useState } from 'react';
import type { MethodOutput } from '../../../shared/contract.ts';
import { useApi } from '../../api/api-context.tsx';
import { useCopy } from '../../components/clipboard.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';

type McpInfo = MethodOutput<'mcp.info'>;

/**
 * The endpoint: running or off (with the reason), its address, and its token.
 * The token is fetched at the click, copied, and shown only after "Show
 * token"; until then nothing of it but its hint is in the page.
 */
export function EndpointPanel({ info }: { info: McpInfo }) {
  const api = useApi();
  const { state: copied, copy } = useCopy();
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = (action: () => Promise<void>) => {
    setError(null);
    action().catch(setError);
  };
  const copyToken = () => run(() => copy(async () => (await api.call('mcp.token', {})).token));
  const toggleShown = () => run(async () => setShown(shown === null ? (await api.call('mcp.token', {})).token : null));

  return (
    <section className="card mcp-panel" aria-labelledby="mcp-endpoint-heading">
      <h3 id="mcp-endpoint-heading">Endpoint</h3>
      <dl className="card-body">
        <div>
          <dt>Status</dt>
          <dd>{info.enabled ? <StatusLabel tone="ok">Running</StatusLabel> : <StatusLabel tone="off">Off</StatusLabel>}</dd>
        </div>
        {info.endpoint ? (
          <div>
            <dt>Address</dt>
            <dd>
              <code className="path">{info.endpoint}</code>
            </dd>
          </div>
        ) : null}
        {info.enabled ? (
          <div>
            <dt>Token</dt>
            <dd>
              {shown === null ? (
                <span>
                  Ends in <code>{info.tokenHint?.replace(/^…/, '') ?? '?'}</code>
                </span>
              ) : (
                <code className="mcp-token">{shown}</code>
              )}
              <span className="muted"> — {info.tokenPersistent ? 'kept in the system keychain, so pasted configurations keep working.' : 'made up for this run only.'}</span>
            </dd>
          </div>
        ) : null}
      </dl>
      {!info.enabled ? (
        <div className="notice notice-warn">
          <p>{info.error ?? 'The MCP endpoint is off.'}</p>
          <p className="next-step">Clients that start a program (stdio, below) still work; HTTP clients connect once the endpoint runs.</p>
        </div>
      ) : !info.tokenPersistent ? (
        <div className="notice notice-warn">
          <p>The system keychain is not usable, so this token changes every time Kinexus starts.</p>
          <p className="next-step">Copy the HTTP configuration again after a restart, or fix the keychain in Settings.</p>
        </div>
      ) : null}
      {info.enabled ? (
        <div className="card-actions">
          <button type="button" className="button" onClick={copyToken}>
            Copy token
          </button>
          <button type="button" className="button button-quiet" onClick={toggleShown}>
            {shown === null ? 'Show token' : 'Hide token'}
          </button>
          <span aria-live="polite">
            {copied === 'copied' ? <StatusLabel tone="ok">Token copied</StatusLabel> : copied === 'blocked' ? 'Copying is not allowed here; use “Show token” and copy it yourself.' : null}
          </span>
        </div>
      ) : null}
      {error ? <ErrorNotice title="Could not get the token" error={error} /> : null}
    </section>
  );
}
