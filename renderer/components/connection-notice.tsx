import { useConnectionState } from '../api/api-context.tsx';
import { StatusLabel } from './status-label.tsx';

/** Says so when the link to the core is down; shows nothing while it is up. */
export function ConnectionNotice() {
  const state = useConnectionState();
  if (state === 'reconnecting') {
    return (
      <div className="notice notice-warn connection-notice" role="status">
        <StatusLabel tone="pending">Lost the connection to Kinexus. Reconnecting…</StatusLabel>
      </div>
    );
  }
  if (state === 'closed') {
    return (
      <div className="notice notice-error connection-notice" role="status">
        <StatusLabel tone="error">Disconnected from Kinexus. Reload the page to reconnect.</StatusLabel>
      </div>
    );
  }
  return null;
}
