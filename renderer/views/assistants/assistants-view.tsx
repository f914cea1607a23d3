import { useMcpInfo } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { routeHref } from '../../router.ts';
import { ClientConfigPanel } from './client-config-panel.tsx';
import { EndpointPanel } from './endpoint-panel.tsx';

/**
 * AI assistants (MCP): where the endpoint is and whether it runs, its token
 * (copied or shown only on request), and client configurations ready to paste.
 */
export function AssistantsView() {
  const info = useMcpInfo();
  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          AI assistants (MCP)
        </h2>
      </div>
      <p className="view-intro">
        AI assistants such as Claude, Cursor or VS Code can search and read your local mirror through the Model Context Protocol. They only read it; whether they may also start syncs is
        up to you in <a href={routeHref('settings')}>Settings</a>.
      </p>
      {info.isPending ? (
        <p role="status">Loading…</p>
      ) : info.isError ? (
        <ErrorNotice title="Could not read the MCP endpoint" error={info.error} onRetry={() => void info.refetch()} />
      ) : (
        <>
          <EndpointPanel info={info.data} />
          <div className="mcp-configs">
            <ClientConfigPanel
              kind="stdio"
              title="Clients that start a program (stdio)"
              config={info.data.clientConfig.stdio}
              howTo={
                <>
                  For Claude Desktop and other clients that launch their servers: add this to the client&rsquo;s MCP configuration (Claude Desktop: <code>claude_desktop_config.json</code>). The client
                  starts <code>kinexus mcp</code> itself; no token is needed.
                </>
              }
            />
            <ClientConfigPanel
              kind="http"
              title="Clients that connect over HTTP"
              config={info.data.clientConfig.http}
              howTo={
                <>
                  For Claude Code, Cursor, VS Code and other clients that connect to a URL: add this to the client&rsquo;s MCP configuration (Claude Code: <code>.mcp.json</code> in your project).
                  &ldquo;Copy configuration&rdquo; fills in your token; the text shown here has a placeholder instead.
                </>
              }
            />
          </div>
        </>
      )}
    </section>
  );
}
