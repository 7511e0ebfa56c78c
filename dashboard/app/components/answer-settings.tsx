import { TextAreaField } from './fields';

/**
 * Site settings blocks about answers: which model answers and what that means for the visitor,
 * how an operator connects a hosted or self-hosted LLM, and the site's own reply texts.
 */

export interface AnswerModelView {
  provider: 'local' | 'openai' | 'anthropic';
  model: string;
  /** The site asked for a provider this server has no credentials for, and falls back to the local answerer. */
  fellBack: boolean;
}

export function AnswerModelSummary({
  effective,
  embeddingModel,
}: {
  effective: AnswerModelView;
  embeddingModel: string;
}) {
  return (
    <div className="stack" data-testid="answer-model-summary">
      {effective.provider === 'local' ? (
        <p>
          <strong>Answers are quotes from your documents.</strong> No AI service is connected, so the built-in local
          answerer replies with one to three whole sentences taken word for word from the best matching passages, each
          with its source. It never writes text of its own, and it says so plainly when your documents do not cover a
          question.
        </p>
      ) : (
        <p>
          <strong>
            Answers are written by {effective.model} (
            {effective.provider === 'openai' ? 'OpenAI or an OpenAI-compatible server' : 'Anthropic'})
          </strong>{' '}
          from the passages of your documents that match each question, with citations. When the passages do not contain
          the answer, visitors get your “not covered” message instead.
        </p>
      )}
      {effective.fellBack ? (
        <p className="field-error">
          The provider chosen for this site is not configured on this server, so the local answerer replies.
        </p>
      ) : null}
      <p className="card-subtitle">Passages are found with the {embeddingModel} embedding model plus keyword search.</p>
      <details>
        <summary>How to connect OpenAI, Anthropic or your own model server</summary>
        <div className="stack">
          <p>
            The server operator sets these environment variables (see README) and restarts; the provider then appears in
            the list above.
          </p>
          <ul>
            <li>
              <strong>OpenAI</strong>: <code>OPENAI_API_KEY=sk-…</code> (free sites default to <code>gpt-4o-mini</code>
              ).
            </li>
            <li>
              <strong>Anthropic</strong>: <code>ANTHROPIC_API_KEY=sk-ant-…</code> (paid sites default to Claude Sonnet).
            </li>
            <li>
              <strong>Any OpenAI-compatible endpoint</strong>: <code>OPENAI_BASE_URL</code> — Ollama{' '}
              <code>http://localhost:11434/v1</code>, vLLM <code>http://HOST:8000/v1</code>, LM Studio{' '}
              <code>http://localhost:1234/v1</code> — with <code>LLM_PROVIDER=openai</code> and{' '}
              <code>FREE_TIER_MODEL</code> set to the served model's name (or pick the model here).
            </li>
          </ul>
        </div>
      </details>
    </div>
  );
}

const REPLY_FIELDS: Array<{ kind: string; label: string; hint: string }> = [
  {
    kind: 'declined',
    label: 'When the documents do not cover a question',
    hint: 'Say what visitors can do instead, e.g. how to reach you.',
  },
  { kind: 'greeting', label: 'Reply to a greeting ("hi", "hello")', hint: '' },
  { kind: 'thanks', label: 'Reply to thanks', hint: '' },
  { kind: 'goodbye', label: 'Reply to goodbye', hint: '' },
  { kind: 'bot', label: 'Reply to "are you a bot?"', hint: '' },
  { kind: 'human', label: 'Reply to "can I talk to a human?"', hint: 'Never answered from documents.' },
];

export function ReplyMessagesFields({
  replyMessages,
  builtIn,
  error,
}: {
  replyMessages: Record<string, string | undefined>;
  builtIn: Record<string, string>;
  error?: string;
}) {
  return (
    <div className="stack">
      {error ? <p className="field-error">{error}</p> : null}
      {REPLY_FIELDS.map((field) => (
        <TextAreaField
          key={field.kind}
          id={`reply-${field.kind}`}
          name={`reply_${field.kind}`}
          label={field.label}
          rows={2}
          maxLength={500}
          defaultValue={replyMessages[field.kind] ?? ''}
          placeholder={builtIn[field.kind]}
          hint={`${field.hint ? `${field.hint} ` : ''}Empty: the built-in text (shown), in the visitor's language.`}
        />
      ))}
    </div>
  );
}

export const REPLY_FIELD_KINDS = REPLY_FIELDS.map((field) => field.kind);
