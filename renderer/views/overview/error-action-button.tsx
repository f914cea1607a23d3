import type { ApiErrorBody } from '../../../shared/errors.ts';
import { useSignIn, useSyncNow } from '../../api/mutations.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { actionForError } from '../../components/health-status.ts';
import { navigate, routeHref } from '../../router.ts';

/**
 * The one action for an integration's last error, as a button (none for a
 * rate limit: it resumes by itself). Reconnecting an integration that signs
 * in interactively starts the sign-in; its code shows at the top of the app.
 */
export function ErrorActionButton({ error, integrationId, connectorTitle, interactive }: { error: ApiErrorBody; integrationId: string; connectorTitle: string; interactive: boolean }) {
  const sync = useSyncNow(integrationId);
  const signIn = useSignIn(integrationId);
  const action = actionForError(error, connectorTitle, interactive);
  if (!action) return null;
  const onClick = () => {
    switch (action.kind) {
      case 'reconnect':
        if (interactive) return signIn.mutate({ id: integrationId });
        return navigate(routeHref('integrations', [integrationId, 'edit'], { focus: 'secrets', from: 'overview' }));
      case 'settings':
        return navigate(routeHref('integrations', [integrationId, 'edit'], { focus: error.code === 'invalid_input' ? undefined : 'settings', from: 'overview' }));
      case 'keychain':
        return navigate(routeHref('settings'));
      case 'retry':
        return sync.mutate({ id: integrationId, trigger: 'ui' });
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={onClick} disabled={(action.kind === 'retry' && sync.isPending) || signIn.isPending}>
        {action.label}
      </button>
      {signIn.isError ? <ErrorNotice title={`Could not start the ${connectorTitle} sign-in`} error={signIn.error} /> : null}
    </>
  );
}
