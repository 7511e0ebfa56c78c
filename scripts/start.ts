// `npm start`: the whole product in one process group — API, widget script, dashboard, worker
// and (when TEMPORAL_ADDRESS is unset) a Temporal dev server.
import { runProcess } from './runtime';

await runProcess({ api: true, worker: true, devServer: true, dashboardMode: process.argv.includes('--dev') ? 'dev' : 'build' });
