/**
 * The widget's own strings in English: the fallback for every other language and the type each
 * translation fills in. `{name}` marks a value put in by `formatString`. English ships with the
 * panel (the loader has only the launcher's two labels); every other language is its own small
 * file, loaded only for visitors who need it.
 */
export const EN = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  defaultTitle: 'Chat with us',
  defaultGreeting: 'Hi! Ask me anything about this site.',
  defaultPlaceholder: 'Type your question…',
  subtitle: 'AI assistant',
  newConversation: 'Start a new conversation',
  conversation: 'Conversation',
  message: 'Message',
  send: 'Send message',
  stop: 'Stop generating',
  footer: 'AI-generated answers can be inaccurate.',
  counter: '{count} / {max} characters',
  typing: 'Assistant is typing',
  youSaid: 'You said:',
  assistantSaid: '{title} said:',
  suggested: 'Suggested questions',
  sources: 'Sources',
  sourceNumber: 'Source {n}:',
  sourceTitle: 'Source {n}: {title}',
  page: 'p. {n}',
  pageLong: '{file}, page {n}',
  retry: 'Try again',
  stopped: 'Stopped',
  interrupted: 'The answer was interrupted when the page changed.',
  previewAnswer:
    'This is a preview of your widget. Visitors get real answers once it runs on your site with your API key.',
  errorGeneric: 'Something went wrong. Please try again.',
  errorRateLimited: 'Too many messages, try again in a moment.',
  errorRateLimitedSeconds: 'Too many messages, try again in {n} seconds.',
  errorRateLimitedOneSecond: 'Too many messages, try again in 1 second.',
  errorOffline: 'You appear to be offline. Check your connection and try again.',
  errorNetwork: 'We could not reach the chat service. Check your connection and try again.',
  errorInterrupted: 'The connection was interrupted before the answer finished. Please try again.',
  errorInvalid: 'That message could not be sent. Messages can be up to 2000 characters.',
  errorUnavailable: 'Chat is not available on this site right now.',
  errorServer: 'Something went wrong on our side. Please try again in a moment.',
  errorStream: 'Something went wrong while answering. Please try again.',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  feedbackComment: 'What was missing or wrong? (optional)',
  feedbackSend: 'Send',
  feedbackThanks: 'Thanks for your feedback.',
  feedbackFailed: 'Your feedback could not be sent.',
  talkToPerson: 'Talk to a person',
  contactIntro: 'Leave your email address and a person will get back to you.',
  contactEmail: 'Email',
  contactName: 'Name (optional)',
  contactMessage: 'Message (optional)',
  contactSend: 'Send',
  cancel: 'Cancel',
  contactSent: 'Thanks! A person will get back to you by email.',
  contactFailed: 'Your request could not be sent. Please try again.',
  contactInvalidEmail: 'Enter a valid email address.',
};

export type UiStrings = typeof EN;
export type UiStringKey = keyof UiStrings;

/** Fills `{name}` placeholders; unknown names stay as written. */
export function formatString(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
