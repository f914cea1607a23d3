import { useEffect, useRef, useState } from 'react';
import { describedBy, Field, FieldNotes, fieldIds } from '../integrations/form-field.tsx';
import { newStep, type FieldErrors, type StepDraft } from './automation-draft.ts';

const SCHEMA_HELP = 'Only for a step that reads data: a JSON Schema the answer must match, e.g. {"type": "string"}. Leave empty for a step that only acts.';

/** Where focus goes after a change to the list: a field or button of one step, or "Add step". */
type FocusTarget = { key: string; what: 'instruction' | 'up' | 'down' } | 'add' | null;

/**
 * The ordered steps of an automation: each an instruction and an optional
 * extraction schema, with buttons to move and remove it. Focus follows the
 * step that moved, and the move is announced.
 */
export function StepFields({ steps, errors, onChange }: { steps: StepDraft[]; errors: FieldErrors; onChange: (steps: StepDraft[], structural: boolean) => void }) {
  const [focus, setFocus] = useState<FocusTarget>(null);
  const [announcement, setAnnouncement] = useState('');
  const addRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!focus) return;
    if (focus === 'add') addRef.current?.focus();
    else {
      const i = steps.findIndex((s) => s.key === focus.key);
      const id = focus.what === 'instruction' ? fieldIds(`steps.${i}.instruction`).input : `${focus.key}-${focus.what}`;
      const el = document.getElementById(id) as HTMLButtonElement | null;
      // A step moved to an end has no button that way any more: the other one keeps focus in the step.
      if (el && !el.disabled) el.focus();
      else document.getElementById(`${focus.key}-${focus.what === 'up' ? 'down' : 'up'}`)?.focus();
    }
    setFocus(null);
  }, [focus, steps]);

  const edit = (i: number, change: Partial<StepDraft>) => onChange(steps.map((s, j) => (j === i ? { ...s, ...change } : s)), false);
  const move = (i: number, by: -1 | 1) => {
    const next = [...steps];
    const [step] = next.splice(i, 1);
    next.splice(i + by, 0, step);
    onChange(next, true);
    setFocus({ key: step.key, what: by < 0 ? 'up' : 'down' });
    setAnnouncement(`Step ${i + 1} moved to position ${i + 1 + by}`);
  };
  const remove = (i: number) => {
    const next = steps.filter((_, j) => j !== i);
    onChange(next, true);
    setFocus(next[Math.max(0, i - 1)] ? { key: next[Math.max(0, i - 1)].key, what: 'instruction' } : 'add');
    setAnnouncement(`Step ${i + 1} removed`);
  };
  const add = () => {
    const step = newStep();
    onChange([...steps, step], true);
    setFocus({ key: step.key, what: 'instruction' });
    setAnnouncement(`Step ${steps.length + 1} added`);
  };

  return (
    <fieldset className={`steps-group${errors.steps ? ' field-invalid' : ''}`} aria-describedby={errors.steps ? fieldIds('steps').error : undefined}>
      <legend>
        Steps <span className="required">(run in order)</span>
      </legend>
      <p className="field-help">Each step is one instruction for the browser agent, in plain words, e.g. “click the ‘Next’ link”.</p>
      <ol className="step-drafts">
        {steps.map((s, i) => {
          const instructionKey = `steps.${i}.instruction`;
          const schemaKey = `steps.${i}.schema`;
          return (
            <li key={s.key}>
              <fieldset className="step-draft">
                <legend>Step {i + 1}</legend>
                <Field fieldKey={instructionKey} label="Instruction" required error={errors[instructionKey]}>
                  <textarea {...describedBy(instructionKey, null, errors[instructionKey])} rows={2} value={s.instruction} onChange={(e) => edit(i, { instruction: e.target.value })} aria-required />
                </Field>
                <Field fieldKey={schemaKey} label="Extraction schema (JSON Schema)" help={SCHEMA_HELP} error={errors[schemaKey]}>
                  <textarea {...describedBy(schemaKey, SCHEMA_HELP, errors[schemaKey])} className="json-input" rows={s.schema ? 5 : 2} value={s.schema} onChange={(e) => edit(i, { schema: e.target.value })} spellCheck={false} />
                </Field>
                <div className="step-actions">
                  <button type="button" id={`${s.key}-up`} className="button button-quiet" onClick={() => move(i, -1)} disabled={i === 0}>
                    Move up<span className="visually-hidden"> step {i + 1}</span>
                  </button>
                  <button type="button" id={`${s.key}-down`} className="button button-quiet" onClick={() => move(i, 1)} disabled={i === steps.length - 1}>
                    Move down<span className="visually-hidden"> step {i + 1}</span>
                  </button>
                  {steps.length > 1 ? (
                    <button type="button" className="button button-quiet button-danger-quiet" onClick={() => remove(i)}>
                      Remove<span className="visually-hidden"> step {i + 1}</span>
                    </button>
                  ) : null}
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <FieldNotes fieldKey="steps" error={errors.steps} />
      <button ref={addRef} type="button" id={fieldIds('steps').input} className="button button-quiet" onClick={add} disabled={steps.length >= 50}>
        Add step
      </button>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </fieldset>
  );
}
