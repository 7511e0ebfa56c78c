import busboy from 'busboy';
import { Router, type Request } from 'express';
import type { Container } from '../../core/container';
import { AppError } from '../../core/errors';
import {
  createApiKey,
  createClient,
  announceClientChange,
  createPreviewKey,
  getClientForOwner,
  isUuid,
  listApiKeys,
  listClients,
  revokeApiKey,
  updateClient,
} from '../../core/services/clients';
import {
  cleanFilename,
  deleteDocument,
  getDocument,
  listDocuments,
  newDocumentId,
  originalBlobKey,
  registerUpload,
  reingestDocument,
  storeUpload,
  tooLarge,
} from '../../core/services/documents';
import { getWidgetConfig, updateWidgetConfig } from '../../core/services/widgets';
import { getChatSession, listChatSessions, sessionsToCsv } from '../../core/services/conversations';
import { getUsage } from '../../core/services/usage';
import { asyncHandler } from '../middleware/async-handler';
import { requireSession } from '../middleware/session';
import { openSse } from '../sse';
import { chatListQuery, documentListQuery, requireClientIdQuery, usageQuery } from './query';

export function dashboardRouter(container: Container): Router {
  const router = Router();
  const knex = container.db.knex;
  const documentDeps = () => ({
    knex,
    blobStore: container.blobStore,
    vectorStore: container.vectorStore,
    cache: container.cache,
    workflows: container.workflows,
    logger: container.logger,
  });
  /** Every tenant-owned call starts here: the session's user must own the client, else 404. */
  const ownedClient = (req: Request, clientId: unknown) =>
    getClientForOwner(knex, { ownerId: requireSession(req).user.id, clientId });
  const queryClientId = requireClientIdQuery;

  router.use((req, _res, next) => {
    try {
      requireSession(req);
      next();
    } catch (error) {
      next(error);
    }
  });

  // Sites (clients) and their keys
  router.get(
    '/clients',
    asyncHandler(async (req, res) => {
      res.json({ clients: await listClients(knex, { ownerId: requireSession(req).user.id }) });
    }),
  );
  router.post(
    '/clients',
    asyncHandler(async (req, res) => {
      const result = await createClient(knex, {
        ownerId: requireSession(req).user.id,
        input: req.body ?? {},
        embeddingModel: container.embedder.model,
        selfServeTiers: container.config.SELF_SERVE_TIERS,
      });
      res.status(201).json(result);
    }),
  );
  router.get(
    '/clients/:clientId',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      res.json({ client, apiKeys: await listApiKeys(knex, { clientId: client.id }) });
    }),
  );
  router.patch(
    '/clients/:clientId',
    asyncHandler(async (req, res) => {
      const { client } = await updateClient(knex, {
        ownerId: requireSession(req).user.id,
        clientId: req.params.clientId,
        input: req.body ?? {},
        selfServeTiers: container.config.SELF_SERVE_TIERS,
        allowPrivateUrls: container.config.ALLOW_PRIVATE_URLS,
      });
      await announceClientChange(container.invalidation, client.id);
      res.json({ client });
    }),
  );
  router.get(
    '/clients/:clientId/api-keys',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      res.json({ apiKeys: await listApiKeys(knex, { clientId: client.id }) });
    }),
  );
  router.post(
    '/clients/:clientId/api-keys',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      const { apiKey, key } = await createApiKey(knex, { clientId: client.id });
      res.status(201).json({ apiKey, key });
    }),
  );
  router.post(
    '/clients/:clientId/preview-key',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      const previewKey = await createPreviewKey(knex, { clientId: client.id });
      await announceClientChange(container.invalidation, client.id);
      res.status(201).json(previewKey);
    }),
  );
  router.delete(
    '/clients/:clientId/api-keys/:keyId',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      await revokeApiKey(knex, { clientId: client.id, keyId: req.params.keyId });
      await announceClientChange(container.invalidation, client.id);
      res.status(204).end();
    }),
  );

  // Widget configuration
  router.get(
    '/widget/:clientId',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      res.json({ widget: await getWidgetConfig(knex, { clientId: client.id }) });
    }),
  );
  router.put(
    '/widget/:clientId',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, req.params.clientId);
      res.json({ widget: await updateWidgetConfig(knex, { clientId: client.id, input: req.body ?? {} }) });
    }),
  );

  // Documents
  router.post(
    '/documents/upload',
    asyncHandler(async (req, res) => {
      const session = requireSession(req);
      const document = await receiveUpload(req, session.user.id);
      res.status(202).json({ document });
    }),
  );
  router.get(
    '/documents',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, queryClientId(req));
      const { status } = documentListQuery.parse(req.query);
      res.json({ documents: await listDocuments(knex, { clientId: client.id, status }) });
    }),
  );
  router.get(
    '/documents/events',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, queryClientId(req));
      streamDocumentEvents(req, res, client.id);
    }),
  );
  router.get(
    '/documents/:documentId',
    asyncHandler(async (req, res) => {
      const clientId = await documentOwner(req, req.params.documentId);
      res.json({
        document: await getDocument(documentDeps(), {
          clientId,
          documentId: req.params.documentId,
          withVectorCount: true,
        }),
      });
    }),
  );
  router.delete(
    '/documents/:documentId',
    asyncHandler(async (req, res) => {
      const clientId = await documentOwner(req, req.params.documentId);
      await deleteDocument(documentDeps(), { clientId, documentId: req.params.documentId });
      res.status(204).end();
    }),
  );
  router.post(
    '/documents/:documentId/reingest',
    asyncHandler(async (req, res) => {
      const clientId = await documentOwner(req, req.params.documentId);
      res
        .status(202)
        .json({ document: await reingestDocument(documentDeps(), { clientId, documentId: req.params.documentId }) });
    }),
  );

  // Conversations and usage
  router.get(
    '/chats',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, queryClientId(req));
      const { includeMessages, format, search, limit, offset } = chatListQuery.parse(req.query);
      const result = await listChatSessions(knex, {
        clientId: client.id,
        search,
        includeMessages: includeMessages || format === 'csv',
        limit: limit ?? (format ? 200 : 50),
        offset: offset ?? 0,
      });
      if (format === 'csv') {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="conversations-${client.id}.csv"`);
        res.send(sessionsToCsv(result.sessions));
        return;
      }
      if (format === 'json')
        res.setHeader('Content-Disposition', `attachment; filename="conversations-${client.id}.json"`);
      res.json(result);
    }),
  );
  router.get(
    '/chats/:sessionId',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, queryClientId(req));
      const session = await getChatSession(knex, { clientId: client.id, sessionId: req.params.sessionId });
      if (!session) throw new AppError({ code: 'not_found', status: 404, message: 'The conversation was not found.' });
      res.json({ session });
    }),
  );
  router.get(
    '/usage',
    asyncHandler(async (req, res) => {
      const client = await ownedClient(req, queryClientId(req));
      const days = await getUsage(knex, { clientId: client.id, days: usageQuery.parse(req.query).days ?? 30 });
      const limitPerMinute =
        client.tier === 'paid'
          ? container.config.RATE_LIMIT_PAID_PER_MINUTE
          : container.config.RATE_LIMIT_FREE_PER_MINUTE;
      res.json({ days, limits: { tier: client.tier, requestsPerMinute: limitPerMinute } });
    }),
  );

  /** The owner of a document, checked through the session: a foreign or missing id is 404. */
  async function documentOwner(req: Request, documentId: string): Promise<string> {
    const userId = requireSession(req).user.id;
    const row = isUuid(documentId)
      ? await knex('documents as d')
          .join('clients as c', 'c.id', 'd.client_id')
          .where({ 'd.id': documentId, 'c.owner_id': userId })
          .whereNull('c.deleted_at')
          .first('d.client_id')
      : undefined;
    if (!row) throw new AppError({ code: 'not_found', status: 404, message: 'The document was not found.' });
    return row.client_id;
  }

  /** Multipart streaming: the size limit stops the upload while it streams; the type is judged from the stored bytes. */
  function receiveUpload(req: Request, ownerId: string) {
    return new Promise<Awaited<ReturnType<typeof registerUpload>>>((resolve, reject) => {
      const contentType = req.headers['content-type'] ?? '';
      if (!contentType.startsWith('multipart/form-data')) {
        reject(
          new AppError({
            code: 'invalid_input',
            status: 400,
            message: 'Send the file as multipart/form-data with fields clientId and file.',
          }),
        );
        return;
      }
      const maxBytes = container.config.MAX_FILE_SIZE;
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024 },
        });
      } catch {
        reject(
          new AppError({
            code: 'invalid_input',
            status: 400,
            message: 'The upload could not be read as multipart/form-data.',
          }),
        );
        return;
      }
      let clientIdField: string | undefined;
      let ownedClientId: Promise<string> | undefined;
      let upload:
        Promise<{ documentId: string; filename: string; key: string; size: number; clientId: string }> | undefined;
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        req.unpipe(parser);
        req.resume();
        reject(error);
      };
      const owned = () =>
        (ownedClientId ??= getClientForOwner(knex, { ownerId, clientId: clientIdField }).then((client) => client.id));

      parser.on('field', (name, value) => {
        if (name === 'clientId') {
          clientIdField = value.trim();
          // Checked as soon as it arrives, so a foreign site is refused before the file streams.
          owned().catch(fail);
        }
      });
      parser.on('file', (name, stream, info) => {
        if (name !== 'file' || upload) {
          stream.resume();
          return;
        }
        const documentId = newDocumentId();
        const filename = cleanFilename(info.filename);
        stream.on('limit', () => {
          stream.destroy(tooLarge(maxBytes));
        });
        upload = (async () => {
          // The blob key needs the client; when clientId came first it is known, else a staging key is used.
          const clientId = clientIdField ? await owned() : undefined;
          const key = clientId ? originalBlobKey(clientId, documentId) : `staging/${documentId}`;
          const size = await storeUpload({ blobStore: container.blobStore, key, data: stream, maxBytes });
          return { documentId, filename, key, size, clientId: clientId ?? '' };
        })();
        upload.catch(fail);
      });
      parser.on('error', () =>
        fail(
          new AppError({
            code: 'invalid_input',
            status: 400,
            message: 'The upload was cut off or malformed. Try again.',
          }),
        ),
      );
      parser.on('close', async () => {
        if (settled) return;
        try {
          if (!upload)
            throw new AppError({
              code: 'invalid_input',
              status: 400,
              message: 'Attach the file in a field named "file".',
            });
          if (!clientIdField)
            throw new AppError({
              code: 'invalid_input',
              status: 400,
              message: 'Say which site the document is for (field clientId).',
            });
          const clientId = await owned().catch(async (error) => {
            const stored = await upload!.catch(() => undefined);
            if (stored) await container.blobStore.delete(stored.key).catch(() => undefined);
            throw error;
          });
          const stored = await upload;
          let key = stored.key;
          if (!stored.clientId) {
            key = originalBlobKey(clientId, stored.documentId);
            await container.blobStore.put(key, await container.blobStore.get(stored.key));
            await container.blobStore.delete(stored.key);
          }
          const document = await registerUpload(documentDeps(), {
            clientId,
            documentId: stored.documentId,
            filename: stored.filename,
            blobKey: key,
            sizeBytes: stored.size,
          });
          settled = true;
          resolve(document);
        } catch (error) {
          fail(error);
        }
      });
      req.pipe(parser);
    });
  }

  /** Live status and progress of a client's documents, as SSE; polls so it works across API processes. */
  function streamDocumentEvents(req: Request, res: Parameters<typeof openSse>[0], clientId: string) {
    const sse = openSse(res);
    const last = new Map<string, string>();
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        const documents = await listDocuments(knex, { clientId });
        const seen = new Set<string>();
        for (const document of documents) {
          seen.add(document.id);
          const view =
            document.status === 'queued' || document.status === 'processing'
              ? await getDocument(documentDeps(), { clientId, documentId: document.id }).catch(() => document)
              : document;
          // The version and update time make a quick re-ingest that ends as it began still count as news.
          const fingerprint = JSON.stringify([
            view.status,
            view.progress,
            view.error,
            view.chunkCount,
            view.version,
            view.updatedAt,
          ]);
          if (last.get(view.id) !== fingerprint) {
            last.set(view.id, fingerprint);
            sse.send('document', { document: view });
          }
        }
        for (const id of [...last.keys()]) {
          if (!seen.has(id)) {
            last.delete(id);
            sse.send('deleted', { documentId: id });
          }
        }
      } catch (error) {
        req.log.warn({ err: error }, 'document events poll failed');
      }
      if (!sse.closed) timer = setTimeout(tick, 1000);
    };
    res.on('close', () => clearTimeout(timer));
    void tick();
  }

  return router;
}
