// scenarios/hot-path-open.ts as the k6 script needs it; harness/k6/bundle.test.ts checks it against that file.
import type { K6ScenarioData } from '../lib/scenario-data.ts';

const data: K6ScenarioData = {
  name: 'hot-path-open',
  clients: 8,
  idleClients: 0,
  load: { model: 'open', ratePerSec: 800, arrival: 'poisson', maxInFlight: 256 },
  mix: [
    { weight: 3, tool: 'status' },
    { weight: 1, tool: 'echo', args: { text: 'overbench' } },
  ],
  requestTimeoutSec: 30,
  warmupSec: 1,
  rounds: 8,
  measureSec: 4,
};

export default data;
