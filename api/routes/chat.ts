import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { AppError, isAppError } from '../../core/errors';
import type { Container } from '../../core/container';
import { answerQuestion, chatRequestSchema, type ChatSource, type ReplyKind } from '../../core/services/chat';
import type { KeyedClient } from '../../core/services/clients';
import { recordChatTurn } from '../../core/services/chat-log';
import type { Usage } from '../../core/adapters/llm/types';
import type { ChatTurnLog } from '../../core/ports/workflow-gateway';
import type { Logger } from '../../core/logger';
import { asyncHandler } from '../middleware/async-handler';
import { publicCors, requireWidgetAccess } from '../middleware/widget-access';
import { publicError, zodMessage } from '../middleware/error-handler';
import express from 'express';
import { openSse } from '../sse';

const VISITOR_SAFE_FAILURE = {
  code: 'internal_error',
  message: 'Something went wrong while answering. Please try again.',
};

export function chatRouter(container: Container, resolveApiKey: (key: string) => Promise<KeyedClient | null>): Router {
  const router = Router();
  const { metrics } = container;

  async function admit(req: Request, res: Response, input: unknown) {
    const client = req.keyedClient!;
    const parsed = chatRequestSchema.safeParse(input);
    if (!parsed.success) throw new AppError({ code: 'invalid_input', status: 400, message: zodMessage(parsed.error) });
    const { message, sessionId = randomUUID(), metadata } = parsed.data;
    const checks = [
      // The per-visitor limit goes first, so one visitor cannot spend the site's budget.
      parsed.data.sessionId ? container.rateLimits.visitor.consume(`${client.clientId}:${sessionId}`) : null,
      container.rateLimits.ip.consume(req.ip ?? 'unknown'),
    ];
    for (const check of checks) {
      const decision = await check;
      if (decision && !decision.allowed)
        throw rateLimited(res, decision.retryAfterSeconds, 'You are sending messages too quickly.');
    }
    const tierLimiter = client.tier === 'paid' ? container.rateLimits.paidClient : container.rateLimits.freeClient;
    const decision = await tierLimiter.consume(client.clientId);
    if (!decision.allowed)
      throw rateLimited(res, decision.retryAfterSeconds, 'This site is receiving too many questions right now.');
    return {
      client,
      message,
      sessionId,
      newSession: !parsed.data.sessionId,
      metadata,
      messageId: randomUUID(),
      startedAt: Date.now(),
    };
  }

  function rateLimited(res: Response, retryAfterSeconds: number, reason: string) {
    res.setHeader('Retry-After', String(retryAfterSeconds));
    return new AppError({
      code: 'rate_limited',
      status: 429,
      message: `${reason} Try again in ${retryAfterSeconds} seconds.`,
    });
  }

  /** Hands the turn to its logging workflow without waiting; if Temporal is unreachable, writes it directly. */
  function logTurn(turn: ChatTurnLog, siteName: string, log: Logger) {
    const viaWorkflow = container.workflows
      ? container.workflows.logChatTurn(turn, { siteName })
      : Promise.reject(new Error('no workflow gateway'));
    viaWorkflow.catch((error) => {
      log.warn(
        { err: (error as Error).message, messageId: turn.messageId },
        'chat log workflow unavailable; writing directly',
      );
      recordChatTurn(container.db.knex, turn).catch((inner) =>
        log.error({ err: inner, messageId: turn.messageId }, 'chat turn could not be logged'),
      );
    });
  }

  function finish(
    turn: Omit<
      ChatTurnLog,
      | 'answer'
      | 'sources'
      | 'model'
      | 'tokensIn'
      | 'tokensOut'
      | 'cachedTokens'
      | 'latencyMs'
      | 'status'
      | 'grounded'
      | 'replyKind'
    >,
    result: {
      answer: string;
      sources: ChatSource[];
      usage: Usage;
      status: ChatTurnLog['status'];
      grounded: boolean;
      replyKind: ReplyKind;
    },
    { tier, name: siteName }: KeyedClient,
    startedAt: number,
    log: Logger,
  ) {
    const latencyMs = Date.now() - startedAt;
    metrics.chatRequests.inc({ client_id: turn.clientId, tier, status: result.status });
    metrics.chatLatency.observe({ client_id: turn.clientId, tier }, latencyMs / 1000);
    metrics.llmTokens.inc({ model: result.usage.model, type: 'input' }, result.usage.tokensIn);
    metrics.llmTokens.inc({ model: result.usage.model, type: 'output' }, result.usage.tokensOut);
    metrics.llmTokens.inc({ model: result.usage.model, type: 'cached' }, result.usage.cachedTokens);
    log.info(
      {
        clientId: turn.clientId,
        messageId: turn.messageId,
        latencyMs,
        tokensIn: result.usage.tokensIn,
        tokensOut: result.usage.tokensOut,
        status: result.status,
      },
      'chat_request_completed',
    );
    // A visitor who left before the first token still leaves a turn (status aborted, tokens spent).
    // After the response: the signal is built and sent on a later turn of the event loop.
    if (result.answer || result.status === 'aborted') {
      setImmediate(
        logTurn,
        {
          ...turn,
          answer: result.answer,
          sources: result.sources,
          model: result.usage.model,
          tokensIn: result.usage.tokensIn,
          tokensOut: result.usage.tokensOut,
          cachedTokens: result.usage.cachedTokens,
          latencyMs,
          status: result.status,
          grounded: result.grounded,
          replyKind: result.replyKind,
        },
        siteName,
        log,
      );
    }
  }

  const deps = () => ({
    knex: container.db.knex,
    cache: container.cache,
    embedder: container.embedder,
    vectorStore: container.vectorStore,
    metrics,
    llm: container.llm,
    queryCacheTtlSeconds: container.config.QUERY_CACHE_TTL_SECONDS,
  });

  async function stream(req: Request, res: Response, input: unknown) {
    const admitted = await admit(req, res, input);
    const { client, message, sessionId, newSession, messageId, startedAt, metadata } = admitted;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const sse = openSse(res);
    sse.send('meta', { sessionId, messageId });
    let answer = '';
    let sources: ChatSource[] = [];
    let usage: Usage = { model: 'unknown', tokensIn: 0, tokensOut: 0, cachedTokens: 0 };
    let status: ChatTurnLog['status'] = 'ok';
    let grounded = false;
    let replyKind: ReplyKind = 'answer';
    let firstToken = true;
    try {
      for await (const event of answerQuestion(deps(), {
        client,
        question: message,
        sessionId,
        newSession,
        signal: abort.signal,
      })) {
        if (abort.signal.aborted) {
          // The visitor left: nothing more is sent, but the tokens already spent are still logged.
          if (event.type === 'done') usage = event.usage;
          continue;
        }
        if (event.type === 'token') {
          if (firstToken) {
            metrics.timeToFirstToken.observe({ tier: client.tier }, (Date.now() - startedAt) / 1000);
            firstToken = false;
          }
          answer += event.text;
          sse.send('token', { text: event.text });
        } else if (event.type === 'sources') {
          sources = event.sources;
          sse.send('sources', { sources });
        } else {
          usage = event.usage;
          ({ grounded, replyKind } = event);
          sse.send('done', {
            usage: {
              model: usage.model,
              tokensIn: usage.tokensIn,
              tokensOut: usage.tokensOut,
              cachedTokens: usage.cachedTokens,
            },
            grounded,
          });
        }
      }
      if (abort.signal.aborted) status = 'aborted';
    } catch (error) {
      status = abort.signal.aborted ? 'aborted' : 'error';
      if (!abort.signal.aborted) {
        if (!isAppError(error)) req.log.error({ err: error }, 'chat stream failed');
        sse.send('error', isAppError(error) ? publicError(error) : VISITOR_SAFE_FAILURE);
      }
    } finally {
      sse.close();
    }
    finish(
      {
        messageId,
        clientId: client.clientId,
        sessionId,
        question: message,
        createdAt: new Date(startedAt).toISOString(),
        metadata,
      },
      { answer, sources, usage, status, grounded, replyKind },
      client,
      startedAt,
      req.log,
    );
  }

  router.use(['/chat', '/chat/stream'], publicCors);
  // Parsed per route, so the 16 KB chat limit applies to chat alone.
  const json = express.json({ limit: '16kb' });
  const access = [json, requireWidgetAccess(resolveApiKey, { publicUrl: container.config.publicUrl })];

  router.post(
    '/chat',
    access,
    asyncHandler(async (req, res) => {
      const { client, message, sessionId, newSession, messageId, startedAt, metadata } = await admit(
        req,
        res,
        req.body,
      );
      const abort = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      let answer = '';
      let sources: ChatSource[] = [];
      let usage: Usage = { model: 'unknown', tokensIn: 0, tokensOut: 0, cachedTokens: 0 };
      let grounded = false;
      let replyKind: ReplyKind = 'answer';
      for await (const event of answerQuestion(deps(), {
        client,
        question: message,
        sessionId,
        newSession,
        signal: abort.signal,
      })) {
        if (event.type === 'token') answer += event.text;
        else if (event.type === 'sources') sources = event.sources;
        else ({ usage, grounded, replyKind } = event);
      }
      res.json({
        answer,
        grounded,
        sessionId,
        messageId,
        sources,
        usage: {
          model: usage.model,
          tokensIn: usage.tokensIn,
          tokensOut: usage.tokensOut,
          cachedTokens: usage.cachedTokens,
        },
      });
      finish(
        {
          messageId,
          clientId: client.clientId,
          sessionId,
          question: message,
          createdAt: new Date(startedAt).toISOString(),
          metadata,
        },
        { answer, sources, usage, status: abort.signal.aborted ? 'aborted' : 'ok', grounded, replyKind },
        client,
        startedAt,
        req.log,
      );
    }),
  );
  router.post(
    '/chat/stream',
    access,
    asyncHandler((req, res) => stream(req, res, req.body)),
  );
  router.get(
    '/chat/stream',
    access,
    asyncHandler((req, res) =>
      stream(req, res, {
        message: typeof req.query.message === 'string' ? req.query.message : undefined,
        // Absent or empty: a new session. Anything else (an array, a bad id) is validated like the body.
        sessionId: req.query.sessionId === '' ? undefined : req.query.sessionId,
      }),
    ),
  );
  return router;
}
