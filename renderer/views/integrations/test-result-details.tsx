import type { TestResult } from '../../../shared/schemas.ts';
import { formatLatency, formatTime } from '../../components/format.ts';
import { StatusLabel } from '../../components/status-label.tsx';

/** The last connection test of an integration: outcome, identity, latency, what it can reach, and the error's next step. */
export function TestResultDetails({ result }: { result: TestResult | null }) {
  if (!result) {
    return (
      <p className="test-result">
        <StatusLabel tone="off">Not tested yet</StatusLabel>
      </p>
    );
  }
  return (
    <div className="test-result">
      <p>
        <StatusLabel tone={result.ok ? 'ok' : 'error'}>{result.ok ? 'Connection OK' : 'Connection failed'}</StatusLabel>{' '}
        <span className="muted">
          <time dateTime={result.at}>{formatTime(result.at)}</time>
          {result.latencyMs !== null ? ` · ${formatLatency(result.latencyMs)}` : null}
        </span>
      </p>
      {result.identity ? (
        <p>
          Signed in as <strong>{result.identity}</strong>
        </p>
      ) : null}
      {result.error ? (
        <>
          <p className="error-text">{result.error.message}</p>
          {result.error.action ? <p className="next-step">Next step: {result.error.action}</p> : null}
        </>
      ) : null}
      {result.reachable.length > 0 ? (
        <div>
          <p className="list-caption">Reachable</p>
          <ul className="reachable">
            {result.reachable.map((item) => (
              <li key={item.name}>
                <StatusLabel tone={item.ok ? 'ok' : 'error'}>
                  <span className="item-name">{item.name}</span>
                  {item.ok ? null : ' (not reachable)'}
                  {item.detail ? <span className="muted"> — {item.detail}</span> : null}
                </StatusLabel>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
