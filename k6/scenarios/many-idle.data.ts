// scenarios/many-idle.ts as the k6 script needs it; harness/k6/bundle.test.ts checks it against that file.
import type { K6ScenarioData } from '../lib/scenario-data.ts';

const data: K6ScenarioData = {
  name: 'many-idle',
  clients: 8,
  idleClients: 1000,
  load: { model: 'closed', thinkTime: 'exponential:mean=5ms' },
  mix: [
    { weight: 4, tool: 'status' },
    { weight: 2, tool: 'echo', args: { text: 'overbench' } },
    { weight: 1, tool: 'chat', args: { prompt: 'Cached answer, please.' }, repeat: true },
  ],
  requestTimeoutSec: 30,
  warmupSec: 1,
  rounds: 6,
  measureSec: 5,
};

export default data;
