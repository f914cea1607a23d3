import { useQueryClient } from '@tanstack/react-query';
import type { NovaActStatus } from '../../../shared/automation.ts';
import { useSetUpNovaAct } from '../../api/mutations.ts';
import { queryKeys, useNovaActStatus } from '../../api/queries.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { routeHref } from '../../router.ts';
import { API_KEY_INPUT_ID, ApiKeyForm } from './api-key-form.tsx';
import { SetupProgress, useSetupProgress } from './setup-progress.tsx';

type Missing = NovaActStatus['missing'][number];

const SOURCE_TEXT: Record<NonNullable<NovaActStatus['python']>['source'], string> = {
  venv: 'the private environment',
  configured: 'the interpreter you chose',
  system: 'found on this computer',
};

/** What to do about one missing part, here in the app where it can be done here, else the core's own next step. */
function MissingAction({ part, setup }: { part: Missing; setup: { start: () => void; busy: boolean } }) {
  switch (part.part) {
    case 'package':
      return (
        <button type="button" className="button" onClick={setup.start} disabled={setup.busy}>
          {setup.busy ? 'Setting up…' : 'Set up Nova Act'}
        </button>
      );
    case 'api_key':
      return (
        <button type="button" className="link-button" onClick={() => document.getElementById(API_KEY_INPUT_ID)?.focus()}>
          Enter the API key below
        </button>
      );
    case 'keychain':
      return (
        <p className="next-step">
          Next step: {part.action} (<a href={routeHref('settings')}>see Settings</a>)
        </p>
      );
    default:
      return <p className="next-step">Next step: {part.action}</p>;
  }
}

/**
 * Whether Nova Act can run here — "Nova Act ready", or each missing part with
 * what to do about it — the one-click setup with its progress, and the API key.
 */
export function NovaActPanel() {
  const status = useNovaActStatus();
  const setup = useSetUpNovaAct();
  const progress = useSetupProgress();
  const queryClient = useQueryClient();

  const start = () => {
    progress.reset();
    setup.mutate({}, { onSuccess: (s) => queryClient.setQueryData(queryKeys.novaAct, s) });
  };

  let body;
  if (status.isPending) body = <p role="status">Checking Python, the nova-act package and the API key…</p>;
  else if (status.isError) body = <ErrorNotice title="Could not check Nova Act" error={status.error} onRetry={() => void status.refetch()} />;
  else {
    const s = status.data;
    const needsSetup = s.missing.some((m) => m.part === 'package');
    body = (
      <>
        <p className="nova-act-summary" role="status">
          {s.ready ? <StatusLabel tone="ok">Nova Act ready</StatusLabel> : <StatusLabel tone="error">Nova Act is not ready</StatusLabel>}
        </p>
        {s.missing.length > 0 ? (
          <ul className="missing-parts" aria-label="What is missing">
            {s.missing.map((m) => (
              <li key={m.part}>
                <p>
                  <StatusLabel tone="error">{m.message}</StatusLabel>
                </p>
                <MissingAction part={m} setup={{ start, busy: setup.isPending }} />
              </li>
            ))}
          </ul>
        ) : null}
        {needsSetup || setup.isPending ? (
          <p className="muted">
            “Set up Nova Act” creates a private Python environment in <code className="path">{s.venvDir}</code> and installs the nova-act package into it. Nothing outside that folder changes.
          </p>
        ) : null}
        <SetupProgress state={progress.state} />
        {setup.isError ? <ErrorNotice title="The Nova Act setup failed" error={setup.error} /> : null}
        <div className="nova-act-details">
          <dl className="card-body">
            <div>
              <dt>Python</dt>
              <dd>
                {s.python ? (
                  <>
                    {s.python.version}, {SOURCE_TEXT[s.python.source]} <code className="path">{s.python.path}</code>
                  </>
                ) : (
                  <span className="muted">not found</span>
                )}
              </dd>
            </div>
            <div>
              <dt>nova-act</dt>
              <dd>{s.package.installed ? `${s.package.version ?? 'installed'}${s.package.standIn ? ' (test stand-in)' : ''}` : <span className="muted">not installed</span>}</dd>
            </div>
            <div>
              <dt>Browser</dt>
              <dd>{s.browser ? <code className="path">{s.browser}</code> : <span className="muted">not found</span>}</dd>
            </div>
          </dl>
          <ApiKeyForm isSet={s.apiKeySet} />
        </div>
      </>
    );
  }

  return (
    <section className="card nova-act-panel" aria-labelledby="nova-act-heading">
      <h3 id="nova-act-heading">Nova Act</h3>
      {body}
    </section>
  );
}
