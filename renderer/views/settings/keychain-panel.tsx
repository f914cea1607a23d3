import type { KeychainState, StatusReport } from '../../../shared/schemas.ts';
import { StatusLabel, type Tone } from '../../components/status-label.tsx';

const KEYCHAIN: Record<KeychainState, { tone: Tone; text: string }> = {
  available: { tone: 'ok', text: 'Keychain available' },
  locked: { tone: 'warn', text: 'Keychain locked' },
  unavailable: { tone: 'error', text: 'Keychain unavailable' },
};

/** Where secrets and data live: keychain state with why and the fix, the data directory, versions. */
export function KeychainPanel({ status }: { status: StatusReport }) {
  const k = status.keychain;
  return (
    <section className="card workspace-status" aria-labelledby="workspace-heading">
      <h3 id="workspace-heading">Secrets and data</h3>
      <dl className="card-body">
        <div>
          <dt>Keychain</dt>
          <dd>
            <StatusLabel tone={KEYCHAIN[k.state].tone}>{KEYCHAIN[k.state].text}</StatusLabel> <span className="muted">({k.backend})</span>
          </dd>
        </div>
        <div>
          <dt>Data directory</dt>
          <dd>
            <code className="path">{status.dataDir}</code>
          </dd>
        </div>
        <div>
          <dt>Schema version</dt>
          <dd>{status.schemaVersion}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>{status.version}</dd>
        </div>
      </dl>
      {k.state !== 'available' ? (
        <div className={`notice ${k.state === 'locked' ? 'notice-warn' : 'notice-error'}`}>
          {k.reason ? <p>{k.reason}</p> : null}
          <p className="next-step">Fix: {k.fix ?? 'Install or unlock the system keychain, then restart Kinexus.'}</p>
          <p className="muted">Secrets cannot be saved or read until this is fixed; nothing is stored in plain text instead.</p>
        </div>
      ) : null}
    </section>
  );
}
