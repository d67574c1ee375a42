import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Guard, RunAborted } from './guard.ts';

describe('Guard', () => {
  it('ends a step when the run is aborted, and stops listening on the signal once disposed', async () => {
    const ac = new AbortController();
    setMaxListeners(20, ac.signal); // 20 live guards on purpose: no leak warning in the test output
    const guards = Array.from({ length: 20 }, () => new Guard(ac.signal));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(20);
    // a calibration runs dozens of scenarios on one signal: each leaves nothing behind
    for (const g of guards.slice(1)) g.dispose();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    const step = guards[0].run(new Promise<never>(() => {}));
    ac.abort('SIGINT');
    await expect(step).rejects.toBeInstanceOf(RunAborted);
  });
});
