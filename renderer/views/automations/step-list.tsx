import { useState } from 'react';
import type { AutomationStepResult } from '../../../shared/automation.ts';
import { formatDuration, plural } from '../../components/format.ts';
import { StatusLabel } from '../../components/status-label.tsx';
import { ArtifactView } from './artifact-list.tsx';
import { prettyJson, STEP_LOOK } from './automation-look.ts';

/** One step of a run as it stands: state, what it did, the data it extracted, its error, its screenshot on request. */
function StepItem({ runId, step: s }: { runId: string; step: AutomationStepResult }) {
  const [showShot, setShowShot] = useState(false);
  const look = STEP_LOOK[s.status];
  const headingId = `${runId}-step-${s.index}`;
  const hasData = s.extracted !== null && s.extracted !== undefined;
  return (
    <li className={`run-step run-step-${s.status}`}>
      <div className="run-step-head">
        <h5 id={headingId}>Step {s.index}</h5>
        <StatusLabel tone={look.tone} icon={look.icon}>
          {look.text}
        </StatusLabel>
        {s.durationMs !== null ? <span className="muted">{formatDuration(s.durationMs)}</span> : null}
        {s.stepsExecuted ? <span className="muted">{plural(s.stepsExecuted, 'browser action')}</span> : null}
      </div>
      <p className="run-step-instruction">{s.instruction}</p>
      {s.pageUrl ? (
        <p className="muted">
          Ended on <code className="path">{s.pageUrl}</code>
        </p>
      ) : null}
      {s.error ? (
        <div className="notice notice-error">
          <p className="notice-title">
            <StatusLabel tone="error">{s.error.message}</StatusLabel>
          </p>
          {s.error.action ? <p className="next-step">Next step: {s.error.action}</p> : null}
          {s.error.errorClass ? <p className="muted">Nova Act error: {s.error.errorClass}</p> : null}
        </div>
      ) : null}
      {hasData ? (
        <div className="extracted">
          <p className="extracted-caption">
            Extracted data{' '}
            {s.matchesSchema === true ? (
              <StatusLabel tone="ok">matches the schema</StatusLabel>
            ) : s.matchesSchema === false ? (
              <StatusLabel tone="error">does not match the schema</StatusLabel>
            ) : null}
            {s.recordsSaved > 0 ? <span className="muted"> · {plural(s.recordsSaved, 'record')} saved to the mirror</span> : null}
          </p>
          <pre className="json" tabIndex={0} role="region" aria-label={`Data extracted by step ${s.index}`}>
            <code>{prettyJson(s.extracted)}</code>
          </pre>
        </div>
      ) : s.response ? (
        <p>
          Answer: <q>{s.response}</q>
        </p>
      ) : null}
      {s.screenshot ? (
        <>
          <button type="button" className="link-button" aria-expanded={showShot} onClick={() => setShowShot((v) => !v)}>
            {showShot ? 'Hide' : 'Show'} the screenshot<span className="visually-hidden"> after step {s.index}</span>
          </button>
          {showShot ? <ArtifactView runId={runId} path={s.screenshot} alt={`The page after step ${s.index}${s.pageUrl ? `: ${s.pageUrl}` : ''}`} /> : null}
        </>
      ) : null}
    </li>
  );
}

/** The steps of a run in order; each changes in place as automation.step events arrive. */
export function StepList({ runId, steps }: { runId: string; steps: AutomationStepResult[] }) {
  return (
    <section className="run-steps" aria-labelledby={`${runId}-steps`}>
      <h4 id={`${runId}-steps`} className="section-caption">
        Steps
      </h4>
      <ol className="run-step-list">
        {steps.map((s) => (
          <StepItem key={s.index} runId={runId} step={s} />
        ))}
      </ol>
    </section>
  );
}
