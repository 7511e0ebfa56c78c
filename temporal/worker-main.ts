// `npm run worker`: a Temporal worker process (run any number of them).
import { runProcess } from '../scripts/runtime';

await runProcess({ api: false, worker: true, devServer: false });
