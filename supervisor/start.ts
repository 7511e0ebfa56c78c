// `npm start`: the whole product — API, widget script, dashboard, worker and (when
// TEMPORAL_ADDRESS is unset) a Temporal dev server.
import { startStack } from '../api/stack';
import { runMain } from '../core/runtime/main';

await runMain('start', async (config, logger) => {
  const stack = await startStack({ config, logger, api: true, worker: true, devServer: true, dashboardMode: process.argv.includes('--dev') ? 'dev' : 'build' });
  const banner = ['  ChatConnect is running', ''];
  banner.push(`  Dashboard      ${config.publicUrl}/`, `  Widget demo    ${config.publicUrl}/demo`, `  Health         ${config.publicUrl}/health`);
  if (stack.devServer) banner.push(`  Temporal Web   ${stack.devServer.uiUrl}`);
  else banner.push(`  Temporal       ${stack.temporalAddress}${config.TEMPORAL_UI_URL ? ` (Web: ${config.TEMPORAL_UI_URL})` : ''}`);
  banner.push(`  Worker         polling task queue "${config.TEMPORAL_TASK_QUEUE}"`);
  banner.push(`  Data           ${stack.container.db.kind === 'pglite' ? `${config.dataDir} (embedded)` : 'PostgreSQL'}`);
  return { banner, stop: stack.stop };
});
