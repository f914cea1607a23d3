import { useEffect, useState } from 'react';
import type { EventData } from '../../shared/contract.ts';
import type { ApiErrorBody } from '../../shared/errors.ts';
import { useApi } from '../api/api-context.tsx';
import { formatTime } from './format.ts';
import { RelativeTime } from './relative-time.tsx';
import { StatusLabel } from './status-label.tsx';

type DeviceCode = EventData<'auth.deviceCode'>;

/** Where one integration's interactive sign-in stands, as the pushed auth.* events tell it. */
export type SignInState =
  | { integrationId: string; phase: 'code'; code: DeviceCode }
  | { integrationId: string; phase: 'signed_in'; identity: string }
  | { integrationId: string; phase: 'failed'; error: ApiErrorBody };

/** Only https pages are offered as a link: the code is worth a sign-in. */
function isSafeVerificationUri(uri: string): boolean {
  try {
    return new URL(uri).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The sign-ins to show, from auth.deviceCode / auth.signedIn / auth.signInFailed; expired codes drop out. */
export function useSignIns(): { items: SignInState[]; dismiss: (integrationId: string) => void } {
  const api = useApi();
  const [items, setItems] = useState<SignInState[]>([]);
  useEffect(() => {
    const put = (next: SignInState) => setItems((prev) => [...prev.filter((s) => s.integrationId !== next.integrationId), next]);
    const offs = [
      api.on('auth.deviceCode', (code) => put({ integrationId: code.integrationId, phase: 'code', code })),
      api.on('auth.signedIn', ({ integrationId, identity }) => put({ integrationId, phase: 'signed_in', identity })),
      api.on('auth.signInFailed', ({ integrationId, error }) => put({ integrationId, phase: 'failed', error })),
    ];
    return () => offs.forEach((off) => off());
  }, [api]);
  useEffect(() => {
    const codes = items.filter((s): s is Extract<SignInState, { phase: 'code' }> => s.phase === 'code');
    if (codes.length === 0) return;
    const next = Math.min(...codes.map((c) => Date.parse(c.code.expiresAt)));
    const t = setTimeout(() => setItems((prev) => prev.filter((s) => s.phase !== 'code' || Date.parse(s.code.expiresAt) > Date.now())), Math.max(0, next - Date.now()) + 100);
    return () => clearTimeout(t);
  }, [items]);
  return { items, dismiss: (id) => setItems((prev) => prev.filter((s) => s.integrationId !== id)) };
}

/** The code to type and a button to the verification page; then the outcome of the sign-in. */
export function SignInPrompt({ state, integrationName, onDismiss }: { state: SignInState; integrationName: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const headingId = `sign-in-${state.integrationId}`;
  const dismiss = (
    <button type="button" className="button button-quiet" onClick={onDismiss}>
      Dismiss
    </button>
  );
  if (state.phase === 'signed_in') {
    return (
      <section className="notice device-code" aria-labelledby={headingId} role="status">
        <h2 id={headingId} className="notice-title">
          <StatusLabel tone="ok">
            Signed in to {integrationName} as {state.identity}
          </StatusLabel>
        </h2>
        <p>The first sync has started.</p>
        {dismiss}
      </section>
    );
  }
  if (state.phase === 'failed') {
    return (
      <section className="notice notice-error device-code" aria-labelledby={headingId} role="alert">
        <h2 id={headingId} className="notice-title">
          <StatusLabel tone="error">Sign-in to {integrationName} failed</StatusLabel>
        </h2>
        <p>{state.error.message}</p>
        {state.error.action ? <p className="next-step">Next step: {state.error.action}</p> : null}
        {dismiss}
      </section>
    );
  }
  const { code } = state;
  const copy = () => {
    if (!navigator.clipboard) return setCopied('no');
    navigator.clipboard.writeText(code.userCode).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  };
  return (
    <section className="notice notice-warn device-code" aria-labelledby={headingId}>
      <h2 id={headingId} className="notice-title">
        Sign in to {integrationName}
      </h2>
      <p>{code.message}</p>
      <p className="device-code-line">
        Your code: <strong className="device-code-value">{code.userCode}</strong>
      </p>
      <div className="card-actions">
        {isSafeVerificationUri(code.verificationUri) ? (
          <a className="button" href={code.verificationUri} target="_blank" rel="noopener noreferrer">
            Open the verification page<span className="visually-hidden"> (opens a new tab)</span>
          </a>
        ) : (
          <span className="error-text">The verification address is not https; type it yourself: {code.verificationUri}</span>
        )}
        <button type="button" className="button button-quiet" onClick={copy}>
          Copy code
        </button>
        {dismiss}
      </div>
      <p className="muted" aria-live="polite">
        {copied === 'yes' ? <StatusLabel tone="ok">Code copied</StatusLabel> : copied === 'no' ? 'Copying is not allowed here; select the code and copy it. ' : null}
        {copied ? ' ' : null}
        The code expires <RelativeTime iso={code.expiresAt} /> ({formatTime(code.expiresAt)}).
      </p>
    </section>
  );
}
