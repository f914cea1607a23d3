import { useState, type ReactNode } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { useCopy } from '../../components/clipboard.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';

const asText = (config: Record<string, unknown>) => JSON.stringify(config, null, 2);

/**
 * One ready-to-paste client configuration with a Copy button. The HTTP one is
 * shown with a placeholder token; its Copy fetches the one with the real
 * token at the click, so the token never sits in the page.
 */
export function ClientConfigPanel({ kind, title, howTo, config }: { kind: 'stdio' | 'http'; title: string; howTo: ReactNode; config: Record<string, unknown> | null }) {
  const api = useApi();
  const { state: copied, copy } = useCopy();
  const [error, setError] = useState<unknown>(null);
  const headingId = `mcp-config-${kind}`;

  const onCopy = () => {
    setError(null);
    const produce = kind === 'http' ? async () => asText((await api.call('mcp.token', {})).clientConfig) : () => asText(config ?? {});
    copy(produce).catch(setError);
  };

  return (
    <section className="card mcp-panel" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      <p>{howTo}</p>
      {config ? (
        <>
          <pre className="mcp-config">
            <code>{asText(config)}</code>
          </pre>
          <div className="card-actions">
            <button type="button" className="button" onClick={onCopy}>
              Copy configuration<span className="visually-hidden"> for {kind === 'http' ? 'HTTP' : 'stdio'} clients</span>
            </button>
            <span aria-live="polite">
              {copied === 'copied' ? (
                <StatusLabel tone="ok">Configuration copied{kind === 'http' ? ', with your token' : ''}</StatusLabel>
              ) : copied === 'blocked' ? (
                `Copying is not allowed here; select the text and copy it yourself${kind === 'http' ? ', then put in the token (“Show token” above)' : ''}.`
              ) : null}
            </span>
          </div>
        </>
      ) : (
        <p className="muted">Not available while the endpoint is off.</p>
      )}
      {error ? <ErrorNotice title="Could not copy the configuration" error={error} /> : null}
    </section>
  );
}
