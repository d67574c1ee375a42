// scenarios/chat-realistic.ts as the k6 script needs it; harness/k6/bundle.test.ts checks it against that file.
import type { K6ScenarioData } from '../lib/scenario-data.ts';

const data: K6ScenarioData = {
  name: 'chat-realistic',
  clients: 16,
  idleClients: 0,
  load: { model: 'closed', thinkTime: 'exponential:mean=50ms' },
  mix: [
    { weight: 7, tool: 'chat', args: { prompt: 'Summarise the trade-offs of sampling versus exact metrics.' } },
    { weight: 1, tool: 'chat', args: { prompt: 'What does the status tool report?' }, repeat: true },
    { weight: 2, tool: 'status' },
  ],
  requestTimeoutSec: 30,
  warmupSec: 1,
  rounds: 6,
  measureSec: 6,
};

export default data;
