import { ApiError } from '../api/client.ts';
import { StatusLabel } from './status-label.tsx';

/** The message and next step of an API error (or any thrown value), announced to screen readers. */
export function ErrorNotice({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  const action = error instanceof ApiError ? error.action : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">
        <StatusLabel tone="error">{title}</StatusLabel>
      </p>
      <p>{message}</p>
      {action ? <p className="next-step">Next step: {action}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
