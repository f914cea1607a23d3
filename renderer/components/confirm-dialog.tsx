import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal question with a confirm and a cancel button. The native <dialog>
 * traps focus, closes on Escape and returns focus to where it was.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel, busy = false }: { open: boolean; title: string; children: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void; busy?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // The safe choice has focus: Enter on a destructive question must not destroy.
      cancelRef.current?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={headingId} onClose={onCancel}>
      <h2 id={headingId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="button button-danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button ref={cancelRef} type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
