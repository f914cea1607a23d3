import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { NovaActStatus } from '../../../shared/automation.ts';
import { ApiError } from '../../api/client.ts';
import { useSetNovaActKey } from '../../api/mutations.ts';
import { queryKeys } from '../../api/queries.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StatusLabel } from '../../components/status-label.tsx';
import { describedBy, Field, fieldIds } from '../integrations/form-field.tsx';

const KEY_FIELD = 'novaAct.apiKey';
const HELP = 'Stored in the system keychain. Kinexus shows whether a key is set, never the key. Get one at nova.amazon.com/act.';

/** The input's id, so "what is missing" can send focus here. */
export const API_KEY_INPUT_ID = fieldIds(KEY_FIELD).input;

/**
 * The Nova Act API key, write-only: typed, sent to the keychain, cleared.
 * The page only ever learns whether one is set.
 */
export function ApiKeyForm({ isSet }: { isSet: boolean }) {
  const setKey = useSetNovaActKey();
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<'saved' | 'removed' | null>(null);
  const [confirming, setConfirming] = useState(false);

  const send = (apiKey: string, outcome: 'saved' | 'removed') => {
    setDone(null);
    setKey.mutate(
      { apiKey },
      {
        onSuccess: (status: NovaActStatus) => {
          queryClient.setQueryData(queryKeys.novaAct, status);
          setValue('');
          setDone(outcome);
        },
        onError: (err) => {
          if (err instanceof ApiError && err.body.field === 'apiKey') setError(err.message);
        },
        onSettled: () => setConfirming(false),
      },
    );
  };

  function save(e: FormEvent) {
    e.preventDefault();
    if (value.trim() === '') {
      setError(isSet ? 'Paste a new key to replace the stored one' : 'Paste your Nova Act API key');
      document.getElementById(API_KEY_INPUT_ID)?.focus();
      return;
    }
    setError(undefined);
    send(value, 'saved');
  }

  const otherError = setKey.isError && !(setKey.error instanceof ApiError && setKey.error.body.field === 'apiKey') ? setKey.error : null;
  return (
    <form className="api-key-form" onSubmit={save} noValidate>
      <Field fieldKey={KEY_FIELD} label="Nova Act API key" marker={false} help={HELP} error={error} status={isSet ? <StatusLabel tone="ok">set</StatusLabel> : <StatusLabel tone="warn">not set</StatusLabel>}>
        <input
          {...describedBy(KEY_FIELD, HELP, error)}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={value}
          placeholder={isSet ? 'stored — type to replace' : ''}
          onChange={(e) => {
            setValue(e.target.value);
            setDone(null);
          }}
        />
      </Field>
      <div className="card-actions">
        <button type="submit" className="button" disabled={setKey.isPending}>
          {setKey.isPending && !confirming ? 'Saving…' : isSet ? 'Replace key' : 'Save key'}
        </button>
        {isSet ? (
          <button type="button" className="button button-quiet button-danger-quiet" onClick={() => setConfirming(true)}>
            Remove key
          </button>
        ) : null}
        <span aria-live="polite">{done === 'saved' ? <StatusLabel tone="ok">Key saved in the keychain</StatusLabel> : done === 'removed' ? <StatusLabel tone="off">Key removed</StatusLabel> : null}</span>
      </div>
      {otherError ? <ErrorNotice title="Could not store the key" error={otherError} /> : null}
      <ConfirmDialog open={confirming} title="Remove the Nova Act API key?" confirmLabel="Remove key" busy={setKey.isPending} onCancel={() => setConfirming(false)} onConfirm={() => send('', 'removed')}>
        <p>Automations cannot run until you add a key again.</p>
      </ConfirmDialog>
    </form>
  );
}
