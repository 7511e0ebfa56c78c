// Profiles the chat path in one process: the embedded product (API + worker), a zero-latency fake
// OpenAI and a load generator. Run with the V8 profiler and read the .cpuprofile (Chrome DevTools,
// or `npx tsx bench/lib/cpu-profile.ts <file>` for the top functions by self time):
//   node --import tsx --cpu-prof --cpu-prof-dir=.data/profiles bench/profile-chat.ts [chats] [concurrency]
import { startFakeOpenAi } from '../tests/fakes/openai-server';
import { startEmbeddedStack } from './lib/embedded-stack';
import { createSite, signUp, uploadDocument, waitForDocuments } from './lib/product-client';
import { createBenchAgent, openSseStream } from './lib/sse-client';

const chats = Number(process.argv[2] ?? 600);
const concurrency = Number(process.argv[3] ?? 50);
const fake = await startFakeOpenAi();
const embedded = await startEmbeddedStack({
  env: {
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: fake.apiKey,
    LLM_PROVIDER: 'openai',
    EMBEDDING_PROVIDER: 'local',
  },
});
try {
  const site = await createSite(await signUp(embedded.url), { name: 'Profile' });
  const text = Array.from(
    { length: 40 },
    (_, index) =>
      `Topic ${index}. The ferry to island ${index} leaves pier ${index % 7} at ${index % 24}:15 and costs ${index + 3} euros.`,
  ).join('\n\n');
  const upload = await uploadDocument(site, 'ferries.txt', text);
  if (!upload.ok) throw new Error(upload.message);
  await waitForDocuments(site, [upload.id], { timeoutMs: 120_000 });
  // Statements the chats send to the database, by their first words (round trips per chat).
  const statements = new Map<string, number>();
  embedded.stack.container.db.knex.on('query', (query: { sql: string }) => {
    const key = query.sql.replace(/\s+/g, ' ').trim().slice(0, 60);
    statements.set(key, (statements.get(key) ?? 0) + 1);
  });
  const agent = createBenchAgent();
  const url = new URL('/chat/stream', embedded.url).href;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < chats) {
        const index = issued++;
        const opened = await openSseStream(url, {
          body: { message: `When does the ferry to island ${index % 40} leave? (${index})` },
          headers: { 'x-api-key': site.apiKey },
          agent,
        });
        await opened.finished;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${chats} chats at ${concurrency} concurrent in ${seconds.toFixed(1)} s: ${(chats / seconds).toFixed(1)} chats/s (load generator in the same process)`,
  );
  agent.destroy();
  const total = [...statements.values()].reduce((a, b) => a + b, 0);
  console.log(`${(total / chats).toFixed(2)} database statements per chat:`);
  for (const [sql, count] of [...statements].sort((a, b) => b[1] - a[1]))
    console.log(`  ${(count / chats).toFixed(2)}  ${sql}`);
} finally {
  await embedded.close();
  await fake.close();
}
