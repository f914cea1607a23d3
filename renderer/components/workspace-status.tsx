import type { KeychainState } from '../../shared/schemas.ts';
import { useStatus } from '../api/queries.ts';
import { ErrorNotice } from './error-notice.tsx';
import { StatusLabel, type Tone } from './status-label.tsx';

const KEYCHAIN: Record<KeychainState, { tone: Tone; text: string }> = {
  available: { tone: 'ok', text: 'Keychain available' },
  locked: { tone: 'warn', text: 'Keychain locked' },
  unavailable: { tone: 'error', text: 'Keychain unavailable' },
};

/** The workspace header: keychain state (with why and what to do), data directory, schema version. */
export function WorkspaceStatus() {
  const status = useStatus();
  return (
    <section className="workspace-status" aria-labelledby="workspace-status-heading">
      <h2 id="workspace-status-heading" className="visually-hidden">
        Workspace status
      </h2>
      {status.isPending ? (
        <p role="status">Loading workspace status…</p>
      ) : status.isError ? (
        <ErrorNotice title="Could not read the workspace status" error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <>
          <dl className="facts">
            <div>
              <dt>Keychain</dt>
              <dd>
                <StatusLabel tone={KEYCHAIN[status.data.keychain.state].tone}>{KEYCHAIN[status.data.keychain.state].text}</StatusLabel>{' '}
                <span className="muted">({status.data.keychain.backend})</span>
              </dd>
            </div>
            <div>
              <dt>Data directory</dt>
              <dd>
                <code>{status.data.dataDir}</code>
              </dd>
            </div>
            <div>
              <dt>Schema version</dt>
              <dd>{status.data.schemaVersion}</dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd>{status.data.version}</dd>
            </div>
          </dl>
          {status.data.keychain.state !== 'available' && (status.data.keychain.reason || status.data.keychain.fix) ? (
            <div className={`notice ${status.data.keychain.state === 'locked' ? 'notice-warn' : 'notice-error'}`}>
              {status.data.keychain.reason ? <p>{status.data.keychain.reason}</p> : null}
              {status.data.keychain.fix ? <p className="next-step">Fix: {status.data.keychain.fix}</p> : null}
              <p className="muted">Secrets cannot be saved or read until this is fixed; nothing is stored in plain text instead.</p>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
