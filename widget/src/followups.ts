/**
 * What a visitor can do after an answer: rate it (👍/👎, with an optional comment on 👎, sent to
 * `POST /chat/feedback`) and ask for a person (`POST /chat/contact`). Built with DOM APIs only.
 */
import { element, icon } from './dom';
import type { UiStrings } from './i18n/en';
import type { StoredMessage } from './storage';
import { looksLikeEmail, sendContactRequest, sendFeedback, type VisitorApiOptions } from './visitor-api';

export interface FollowupContext {
  doc: Document;
  strings: () => UiStrings;
  /** Null in a keyless preview: nothing is sent. */
  api: VisitorApiOptions | null;
  /** The conversation's session id, created when there is none yet. */
  sessionId: () => string;
  /** The message changed (its rating): save the transcript. */
  changed: () => void;
}

let formCounter = 0;

/** 👍/👎 under a finished answer that the server gave an id. */
export function renderFeedback(message: StoredMessage, context: FollowupContext): HTMLElement | null {
  const { doc, api } = context;
  if (!message.messageId || !api) return null;
  const strings = context.strings();
  const status = element(doc, 'span', { className: 'feedback-status', attributes: { role: 'status' } });
  const up = element(
    doc,
    'button',
    {
      className: 'rate',
      title: strings.helpful,
      attributes: { type: 'button', 'aria-label': strings.helpful, 'aria-pressed': String(message.rating === 'up') },
    },
    [icon(doc, 'thumbUp')],
  );
  const down = element(
    doc,
    'button',
    {
      className: 'rate',
      title: strings.notHelpful,
      attributes: {
        type: 'button',
        'aria-label': strings.notHelpful,
        'aria-pressed': String(message.rating === 'down'),
      },
    },
    [icon(doc, 'thumbDown')],
  );
  const row = element(doc, 'div', { className: 'feedback' }, [up, down, status]);
  const wrapper = element(doc, 'div', { className: 'feedback-wrap' }, [row]);

  const submit = async (rating: 'up' | 'down', comment?: string): Promise<boolean> => {
    const result = await sendFeedback(api, {
      messageId: message.messageId as string,
      sessionId: context.sessionId(),
      rating,
      comment,
    });
    status.textContent = result.ok ? context.strings().feedbackThanks : context.strings().feedbackFailed;
    status.classList.toggle('failed', !result.ok);
    return result.ok;
  };
  const choose = async (rating: 'up' | 'down'): Promise<void> => {
    const previous = message.rating;
    message.rating = rating;
    up.setAttribute('aria-pressed', String(rating === 'up'));
    down.setAttribute('aria-pressed', String(rating === 'down'));
    wrapper.querySelector('.feedback-comment')?.remove();
    if (!(await submit(rating))) {
      message.rating = previous;
      up.setAttribute('aria-pressed', String(previous === 'up'));
      down.setAttribute('aria-pressed', String(previous === 'down'));
      return;
    }
    context.changed();
    if (rating === 'down') wrapper.appendChild(commentForm());
  };
  const commentForm = (): HTMLElement => {
    const current = context.strings();
    const id = `cc-comment-${(formCounter += 1)}`;
    const textarea = element(doc, 'textarea', {
      className: 'field-input',
      id,
      attributes: { rows: '2', maxlength: '2000', dir: 'auto' },
    });
    const send = element(doc, 'button', { className: 'small-button', attributes: { type: 'submit' } }, [
      current.feedbackSend,
    ]);
    const form = element(doc, 'form', { className: 'feedback-comment', attributes: { novalidate: '' } }, [
      element(doc, 'label', { className: 'field-label', attributes: { for: id } }, [current.feedbackComment]),
      textarea,
      send,
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const comment = textarea.value.trim();
      if (!comment) return;
      send.disabled = true;
      void submit('down', comment).then((ok) => {
        send.disabled = false;
        if (ok) form.remove();
      });
    });
    doc.defaultView?.requestAnimationFrame(() => textarea.focus({ preventScroll: false }));
    return form;
  };
  up.addEventListener('click', () => void choose('up'));
  down.addEventListener('click', () => void choose('down'));
  return wrapper;
}

/** A "talk to a person" button that opens the contact form at the end of the conversation. */
export function renderContactOffer(context: FollowupContext, open: () => void): HTMLElement {
  const button = element(context.doc, 'button', { className: 'contact-offer', attributes: { type: 'button' } }, [
    icon(context.doc, 'person'),
    context.strings().talkToPerson,
  ]);
  button.addEventListener('click', open);
  return button;
}

function field(doc: Document, label: string, control: HTMLInputElement | HTMLTextAreaElement): HTMLElement {
  const id = `cc-field-${(formCounter += 1)}`;
  control.id = id;
  control.className = 'field-input';
  return element(doc, 'div', { className: 'field' }, [
    element(doc, 'label', { className: 'field-label', attributes: { for: id } }, [label]),
    control,
  ]);
}

/** The contact form; `onClose` removes it (cancel). On success it turns into a thank-you note. */
export function renderContactForm(context: FollowupContext, onClose: () => void): HTMLElement {
  const { doc, api } = context;
  const strings = context.strings();
  const titleId = `cc-contact-${(formCounter += 1)}`;
  const email = element(doc, 'input', {
    attributes: {
      type: 'email',
      autocomplete: 'email',
      required: '',
      maxlength: '254',
      inputmode: 'email',
      dir: 'ltr',
    },
  });
  const name = element(doc, 'input', {
    attributes: { type: 'text', autocomplete: 'name', maxlength: '200', dir: 'auto' },
  });
  const message = element(doc, 'textarea', { attributes: { rows: '3', maxlength: '2000', dir: 'auto' } });
  const error = element(doc, 'p', { className: 'contact-error', hidden: true, attributes: { role: 'alert' } });
  const send = element(doc, 'button', { className: 'small-button primary', attributes: { type: 'submit' } }, [
    strings.contactSend,
  ]);
  const cancel = element(doc, 'button', { className: 'small-button', attributes: { type: 'button' } }, [
    strings.cancel,
  ]);
  const form = element(
    doc,
    'form',
    { className: 'contact', attributes: { novalidate: '', 'aria-labelledby': titleId } },
    [
      element(doc, 'p', { className: 'contact-title', id: titleId }, [strings.talkToPerson]),
      element(doc, 'p', { className: 'contact-intro' }, [strings.contactIntro]),
      field(doc, strings.contactEmail, email),
      field(doc, strings.contactName, name),
      field(doc, strings.contactMessage, message),
      error,
      element(doc, 'div', { className: 'contact-actions' }, [cancel, send]),
    ],
  );
  const showError = (text: string): void => {
    error.textContent = text;
    error.hidden = false;
  };
  cancel.addEventListener('click', onClose);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!looksLikeEmail(email.value)) {
      email.setAttribute('aria-invalid', 'true');
      showError(context.strings().contactInvalidEmail);
      email.focus();
      return;
    }
    email.removeAttribute('aria-invalid');
    if (!api) {
      showError(context.strings().previewAnswer);
      return;
    }
    send.disabled = true;
    void sendContactRequest(api, {
      sessionId: context.sessionId(),
      email: email.value,
      name: name.value,
      message: message.value,
    }).then((result) => {
      send.disabled = false;
      if (!result.ok) {
        showError(result.status === 400 && result.message ? result.message : context.strings().contactFailed);
        return;
      }
      const done = element(doc, 'p', { className: 'contact-done', attributes: { role: 'status', tabindex: '-1' } }, [
        context.strings().contactSent,
      ]);
      form.replaceWith(done);
      done.focus();
    });
  });
  doc.defaultView?.requestAnimationFrame(() => email.focus());
  return form;
}
