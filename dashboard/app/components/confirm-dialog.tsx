import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal confirmation on the native <dialog>: focus moves into it and back, Esc closes it, and
 * the page behind is inert. `children` holds the confirming form.
 */
export function ConfirmDialog({
  open,
  onClose,
  title,
  description,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-description"
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialog.current) onClose();
      }}
    >
      <div className="dialog-body">
        <h2 id="confirm-title" className="dialog-title">
          {title}
        </h2>
        <div id="confirm-description" className="dialog-description">
          {description}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button secondary" onClick={onClose} autoFocus>
            Cancel
          </button>
          {children}
        </div>
      </div>
    </dialog>
  );
}
