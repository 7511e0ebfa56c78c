// Records the event history of one real ingestion for the replay test:
//   npx tsx tests/tools/record-ingestion-history.ts [file name under tests/fixtures]
// (tests/fixtures/ingest-document-history.pb was recorded before the `coarse-ingestion` patch and
// stays as it is; new recordings go to ingest-document-history-coarse.pb.)
// Re-record when the workflow changes on purpose; a replay failure otherwise means the change
// breaks running workflows (non-determinism).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import protos from '@temporalio/proto';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { freePort } from '../../temporal/dev-server';
import { ingestionWorkflowId } from '../../temporal/task-queues';
import { startStack } from '../../api/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';

const config = loadConfig({
  DATA_DIR: mkdtempSync(path.join(tmpdir(), 'record-history-')),
  PORT: String(await freePort()),
  TEMPORAL_DEV_PORT: String(await freePort()),
  TEMPORAL_UI_PORT: String(await freePort()),
  LOG_LEVEL: 'silent',
});
const stack = await startStack({
  config,
  logger: createLogger({ level: 'silent' }),
  api: true,
  worker: true,
  devServer: true,
  dashboardMode: 'none',
});
try {
  const { admin } = await signUpAdmin(stack.http!.url);
  const { client } = await createClientWithKey(admin);
  const text = Array.from(
    { length: 120 },
    (_, index) => `Paragraph ${index}: the ferry to island ${index} leaves at ${index % 24}:15 from pier ${index % 7}.`,
  ).join('\n\n');
  const upload = await admin.upload(client.id, 'ferries.txt', text);
  const document = await waitForDocument(admin, upload.data.document.id);
  const handle = stack.temporalClient!.workflow.getHandle(ingestionWorkflowId(document.id));
  const history = await handle.fetchHistory();
  // Binary protobuf: the JSON helpers trip over two copies of protobufjs in the dependency tree.
  const file = path.join(import.meta.dirname, '..', 'fixtures', process.argv[2] ?? 'ingest-document-history-coarse.pb');
  writeFileSync(file, protos.temporal.api.history.v1.History.encode(history).finish());
  console.log(`recorded ${history.events?.length} events (${document.chunkCount} chunks) to ${file}`);
} finally {
  await stack.stop();
}
