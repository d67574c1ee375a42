// k6 run dist/chat-realistic.js (bundled by harness/k6/bundle.ts); see k6/README.md.
import { busyClient, exaiOptions, idleClient, runSalt } from '../lib/exai.ts';
import data from './chat-realistic.data.ts';

export const options = exaiOptions(data);
export const setup = runSalt;
export const busy = (run: { salt: string }) => busyClient(data, run);
export const idle = (run: { salt: string }) => idleClient(data, run);
export default busy;
