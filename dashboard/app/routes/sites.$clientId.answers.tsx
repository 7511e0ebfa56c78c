import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import {
  createWrittenAnswer,
  deleteWrittenAnswer,
  listWrittenAnswers,
  updateWrittenAnswer,
} from '../../../core/services/written-answers';
import { CsrfInput } from '../components/csrf-input';
import { EmptyState } from '../components/empty-state';
import { FormAlert, TextAreaField, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { requireCsrf, requireOwnedClient } from '../context.server';
import { formFailure, textField } from '../forms.server';
import { pluralize } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Written answers · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const prefill = (new URL(request.url).searchParams.get('question') ?? '').slice(0, 500);
  return {
    clientId: client.id,
    prefill,
    answers: await listWrittenAnswers(context.container.db.knex, { clientId: client.id }),
  };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { cache, embedder } = context.container;
  const deps = { knex: context.container.db.knex, cache, embedder };
  const intent = textField(formData, 'intent');
  const answerId = textField(formData, 'answerId');
  try {
    const input = { question: textField(formData, 'question'), answer: textField(formData, 'answer') };
    if (intent === 'create') await createWrittenAnswer(deps, { clientId: client.id, input });
    else if (intent === 'update') await updateWrittenAnswer(deps, { clientId: client.id, answerId, input });
    else if (intent === 'delete') await deleteWrittenAnswer(deps, { clientId: client.id, answerId });
    else throw new Response('Unknown action.', { status: 400 });
    return {
      ok: true as const,
      intent,
      answerId,
      at: Date.now(),
      fieldErrors: {} as Record<string, string>,
      formError: null,
    };
  } catch (error) {
    return formFailure(error, { intent, answerId });
  }
}

function AnswerEditor({
  answer,
}: {
  answer: { id: string; question: string; answer: string; createdAt: string; updatedAt: string };
}) {
  const [editing, setEditing] = useState(false);
  const actionData = useActionData<typeof action>();
  const mine = actionData?.answerId === answer.id;
  useEffect(() => {
    if (mine && actionData?.ok && actionData.intent === 'update') setEditing(false);
  }, [mine, actionData]);
  return (
    <li id={`answer-${answer.id}`} className="loop-row">
      {editing ? (
        <Form method="post" className="stack loop-main">
          <CsrfInput />
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="answerId" value={answer.id} />
          <TextField
            id={`q-${answer.id}`}
            name="question"
            label="Question"
            defaultValue={answer.question}
            maxLength={500}
            required
          />
          <TextAreaField
            id={`a-${answer.id}`}
            name="answer"
            label="Answer"
            defaultValue={answer.answer}
            rows={4}
            maxLength={4000}
            required
          />
          {mine && !actionData?.ok ? <FormAlert message={actionData?.formError ?? null} /> : null}
          <div className="button-row">
            <button type="submit" className="button primary small">
              Save
            </button>
            <button type="button" className="button ghost small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </Form>
      ) : (
        <>
          <div className="loop-main">
            <p className="loop-question">{answer.question}</p>
            <p className="loop-answer">{answer.answer}</p>
            <p className="loop-meta">
              Written <LocalTime iso={answer.createdAt} mode="relative" />
              {answer.updatedAt !== answer.createdAt ? (
                <>
                  {' '}
                  · edited <LocalTime iso={answer.updatedAt} mode="relative" />
                </>
              ) : null}
            </p>
          </div>
          <div className="loop-actions">
            <button type="button" className="button ghost small" onClick={() => setEditing(true)}>
              Edit<span className="visually-hidden"> the answer to {answer.question}</span>
            </button>
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="answerId" value={answer.id} />
              <button type="submit" className="button ghost small danger-text">
                <Icon name="trash" />
                Delete<span className="visually-hidden"> the answer to {answer.question}</span>
              </button>
            </Form>
          </div>
        </>
      )}
    </li>
  );
}

export default function WrittenAnswers() {
  const { answers, prefill } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const form = useRef<HTMLFormElement>(null);
  const creating = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'create';
  const createResult = actionData?.intent === 'create' ? actionData : undefined;
  useEffect(() => {
    if (!createResult?.ok || !form.current) return;
    // A prefilled question (from Unanswered) is done with: the form starts empty for the next one.
    form.current.reset();
    (form.current.elements.namedItem('question') as HTMLInputElement | null)?.setAttribute('value', '');
    const question = form.current.elements.namedItem('question') as HTMLInputElement | null;
    if (question) question.value = '';
  }, [createResult]);
  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Written answers</h1>
          <p className="muted">
            Answers you write yourself, for questions your documents miss. A visitor who asks the same question, or one
            worded very closely, gets your answer word for word, cited as “Q&amp;A”. Changes apply at once.
          </p>
        </div>
      </div>
      <section className="card stack" aria-labelledby="new-answer-title">
        <h2 id="new-answer-title" className="card-title">
          Write an answer
        </h2>
        <Form method="post" className="stack" ref={form} key={prefill}>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <TextField
            id="question"
            name="question"
            label="Question visitors ask"
            defaultValue={prefill}
            maxLength={500}
            required
            error={createResult && !createResult.ok ? createResult.fieldErrors.question : undefined}
          />
          <TextAreaField
            id="answer"
            name="answer"
            label="Your answer"
            rows={4}
            maxLength={4000}
            required
            autoFocus={Boolean(prefill)}
          />
          {createResult && !createResult.ok ? <FormAlert message={createResult.formError} /> : null}
          {createResult?.ok ? (
            <FormAlert tone="success" message="Saved. Visitors asking this question now get your answer." />
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={creating}>
              {creating ? 'Saving…' : 'Save answer'}
            </button>
          </div>
        </Form>
      </section>
      {answers.length === 0 ? (
        <EmptyState icon="sparkle" title="No written answers yet">
          <p>Start from the Unanswered page: it lists what visitors asked that your documents could not answer.</p>
        </EmptyState>
      ) : (
        <section className="card flush" aria-labelledby="answers-title">
          <div className="card-header padded">
            <h2 id="answers-title" className="card-title">
              {pluralize(answers.length, 'written answer')}
            </h2>
          </div>
          <ul className="loop-list">
            {answers.map((answer) => (
              <AnswerEditor key={answer.id} answer={answer} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
