// scenarios/cluster.ts as the k6 script needs it; harness/k6/bundle.test.ts checks it against that file.
// Its daemon instances are the URLs of EXAI_URL (comma-separated): VUs spread over them round-robin.
import type { K6ScenarioData } from '../lib/scenario-data.ts';

const data: K6ScenarioData = {
  name: 'cluster',
  clients: 24,
  idleClients: 0,
  load: { model: 'closed', thinkTime: 'exponential:mean=20ms' },
  mix: [
    { weight: 5, tool: 'status' },
    { weight: 2, tool: 'echo', args: { text: 'overbench' } },
    { weight: 2, tool: 'chat', args: { prompt: 'Which instance answers me?' } },
    { weight: 1, tool: 'chat', args: { prompt: 'Cached answer, please.' }, repeat: true },
  ],
  requestTimeoutSec: 30,
  warmupSec: 1,
  rounds: 6,
  measureSec: 5,
};

export default data;
