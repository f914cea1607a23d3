import { useEffect, useId, useState, type MouseEvent } from 'react';
import type { RecordHit } from '../../../shared/sync.ts';
import { useApi } from '../../api/api-context.tsx';
import { openExternalLink } from '../../api/open-link.ts';
import { useConnectors, useIntegrations, useRecords } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { navigate, routeHref, type Route } from '../../router.ts';
import { hasMoreResults, resultCountText } from './result-count.ts';
import { Snippet } from './snippet.tsx';

const PAGE = 20;

/** One result: title (opens the item in the system browser), where it is from, when it changed, and the matching text. */
function SearchResult({ hit, sourceTitle, integrationName }: { hit: RecordHit; sourceTitle: string; integrationName: string }) {
  const api = useApi();
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const open = (e: MouseEvent) => {
    if (!hit.url) return;
    // The core decides whether this link may open (configured hosts only), then opens it.
    e.preventDefault();
    setError(null);
    openExternalLink(api, hit.url).catch(setError);
  };
  return (
    <article className="result" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="result-title">
        {hit.url ? (
          <a href={hit.url} target="_blank" rel="noopener noreferrer" onClick={open}>
            {hit.title}
            <span className="visually-hidden"> (opens in your browser)</span>
          </a>
        ) : (
          hit.title
        )}
      </h3>
      <p className="result-meta muted">
        <span>{sourceTitle}</span> · <span>{hit.kind.replace(/_/g, ' ')}</span>
        {hit.container ? <> · <span>{hit.container}</span></> : null}
        {hit.status ? <> · <span>{hit.status}</span></> : null}
        {hit.author ? <> · <span>by {hit.author}</span></> : null}
        {' · '}
        <span>
          updated <RelativeTime iso={hit.updatedAt} fallback="at an unknown time" />
        </span>
        <span className="visually-hidden"> · from {integrationName}</span>
      </p>
      {hit.snippet ? <Snippet text={hit.snippet} /> : null}
      {error ? <ErrorNotice title="Could not open the link" error={error} /> : null}
    </article>
  );
}

/** Full-text search over the mirror, filtered by source and kind; the words and filters live in the address. */
export function SearchView({ route }: { route: Route }) {
  const q = route.params.q ?? '';
  const source = route.params.source ?? '';
  const kind = route.params.kind ?? '';
  const [text, setText] = useState(q);
  const [limit, setLimit] = useState(PAGE);
  const connectors = useConnectors();
  const integrations = useIntegrations();
  const records = useRecords({ q, source, kind, limit });
  const hrefWith = (over: Record<string, string>) => routeHref('search', [], { q, source, kind, ...over });

  useEffect(() => setText(q), [q]);
  useEffect(() => setLimit(PAGE), [q, source, kind]);
  // Search as you type, a moment after the last key.
  useEffect(() => {
    if (text === q) return;
    const t = setTimeout(() => navigate(hrefWith({ q: text }), { replace: true }), 300);
    return () => clearTimeout(t);
    // hrefWith changes with every render; text is what matters.
  }, [text]);

  const sources = connectors.data ?? [];
  const kinds = [...new Set(sources.filter((c) => !source || c.id === source).flatMap((c) => c.streams.map((s) => s.kind)))];
  const titleOf = (id: string) => sources.find((c) => c.id === id)?.title ?? id;
  const nameOf = (id: string) => integrations.data?.find((i) => i.id === id)?.name ?? id;

  return (
    <section className="view" aria-labelledby="view-heading">
      <div className="view-head">
        <h2 id="view-heading" tabIndex={-1}>
          Search
        </h2>
      </div>
      <form
        role="search"
        className="filters search-form"
        aria-label="Search the mirror"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(hrefWith({ q: text }), { replace: true });
        }}
      >
        <div className="field field-grow">
          <label htmlFor="search-q">Search for</label>
          <input id="search-q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Words in titles, descriptions, comments…" autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="search-source">Source</label>
          <select id="search-source" value={source} onChange={(e) => navigate(hrefWith({ source: e.target.value, kind: '' }), { replace: true })}>
            <option value="">All sources</option>
            {sources.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-kind">Kind</label>
          <select id="search-kind" value={kind} onChange={(e) => navigate(hrefWith({ kind: e.target.value }), { replace: true })}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {records.isPending ? (
        <p role="status">Searching…</p>
      ) : records.isError ? (
        <ErrorNotice title="The search failed" error={records.error} onRetry={() => void records.refetch()} />
      ) : (
        <>
          <p className="result-count" role="status">
            {resultCountText(records.data, q)}
          </p>
          <ol className="results">
            {records.data.hits.map((hit) => (
              <li key={hit.id}>
                <SearchResult hit={hit} sourceTitle={titleOf(hit.source)} integrationName={nameOf(hit.integrationId)} />
              </li>
            ))}
          </ol>
          {hasMoreResults(records.data, records.data.hits.length) ? (
            <button type="button" className="button button-quiet" onClick={() => setLimit((n) => Math.min(n + PAGE, 200))} disabled={records.isFetching || limit >= 200}>
              {limit >= 200 ? 'Refine the search to see more' : 'Show more results'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
