import { useEffect, useRef, useState } from 'react';
import type { EventData } from '../../../shared/contract.ts';
import { useApi } from '../../api/api-context.tsx';
import { StatusLabel, type Tone } from '../../components/status-label.tsx';

type Progress = EventData<'novaAct.setup.progress'>;
type Phase = Progress['phase'];

/** The phases a setup goes through, in order, in words. */
const PHASES: { phase: Phase; text: string }[] = [
  { phase: 'checking', text: 'Find Python 3.10+' },
  { phase: 'creating_venv', text: 'Create the private environment' },
  { phase: 'installing', text: 'Install nova-act' },
  { phase: 'verifying', text: 'Check that it imports' },
];

/** Lines of pip output kept on screen; the start and the end are what matter. */
const MAX_LINES = 200;

export interface SetupProgressState {
  /** The phase the setup is in, or ended in ("done"); a failure keeps the phase it happened in. */
  phase: Phase | null;
  failed: boolean;
  lines: string[];
}

const IDLE: SetupProgressState = { phase: null, failed: false, lines: [] };

/** The setup's progress as novaAct.setup.progress events tell it; `reset` clears it for a new attempt. */
export function useSetupProgress(): { state: SetupProgressState; reset: () => void } {
  const api = useApi();
  const [state, setState] = useState<SetupProgressState>(IDLE);
  useEffect(
    () =>
      api.on('novaAct.setup.progress', ({ phase, message }) =>
        setState((s) => ({
          phase: phase === 'failed' ? (s.phase ?? 'checking') : phase,
          failed: phase === 'failed',
          lines: [...s.lines, message].slice(-MAX_LINES),
        })),
      ),
    [api],
  );
  return { state, reset: () => setState(IDLE) };
}

/** How one phase of the list looks, given where the setup is. */
function phaseLook(phase: Phase, state: SetupProgressState): { tone: Tone; icon: string; words: string } {
  if (state.phase === 'done') return { tone: 'ok', icon: '✓', words: 'done' };
  const at = PHASES.findIndex((p) => p.phase === state.phase);
  const mine = PHASES.findIndex((p) => p.phase === phase);
  if (mine < at) return { tone: 'ok', icon: '✓', words: 'done' };
  if (mine === at) return state.failed ? { tone: 'error', icon: '✕', words: 'failed' } : { tone: 'pending', icon: '↻', words: 'in progress' };
  return { tone: 'off', icon: '·', words: 'not reached' };
}

/**
 * The phases of the setup with the current one marked, and the output of
 * each (pip's lines included) in a log that follows the newest line.
 */
export function SetupProgress({ state }: { state: SetupProgressState }) {
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [state.lines.length]);
  if (!state.phase) return null;
  const now = PHASES.find((p) => p.phase === state.phase)?.text;
  return (
    <div className="setup-progress">
      <ol className="setup-phases">
        {PHASES.map((p) => {
          const look = phaseLook(p.phase, state);
          return (
            <li key={p.phase}>
              <StatusLabel tone={look.tone} icon={look.icon}>
                {p.text}
                <span className="visually-hidden"> ({look.words})</span>
              </StatusLabel>
            </li>
          );
        })}
      </ol>
      <p role="status" className="setup-now">
        {state.phase === 'done' ? <StatusLabel tone="ok">{state.lines.at(-1)}</StatusLabel> : state.failed ? null : <StatusLabel tone="pending">{now ?? 'Working'}…</StatusLabel>}
      </p>
      <pre ref={logRef} className="setup-log" tabIndex={0} role="log" aria-label="Output of the Nova Act setup">
        {state.lines.join('\n')}
      </pre>
    </div>
  );
}
