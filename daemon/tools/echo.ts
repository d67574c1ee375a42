/** `echo`: returns its arguments as JSON text (a protocol check that touches nothing else). */
import type { SyncTool } from './types.ts';

export const echoTool: SyncTool = {
  kind: 'sync',
  name: 'echo',
  description: 'Returns its arguments as JSON text.',
  inputSchema: { type: 'object', additionalProperties: true },
  runJson(args) {
    return JSON.stringify(JSON.stringify(args));
  },
};
