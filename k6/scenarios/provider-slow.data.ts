// scenarios/provider-slow.ts as the k6 script needs it; harness/k6/bundle.test.ts checks it against that file.
import type { K6ScenarioData } from '../lib/scenario-data.ts';

const data: K6ScenarioData = {
  name: 'provider-slow',
  clients: 64,
  idleClients: 0,
  load: { model: 'closed', thinkTime: 'exponential:mean=100ms' },
  mix: [
    { weight: 9, tool: 'chat', args: { prompt: 'Review this design for failure modes.' } },
    { weight: 1, tool: 'status' },
  ],
  requestTimeoutSec: 30,
  warmupSec: 1,
  rounds: 6,
  measureSec: 6,
};

export default data;
