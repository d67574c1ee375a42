import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScenarioResult } from '../result/schema.ts';
import { ProgressLine } from './progress.ts';

describe('ProgressLine without a terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the run time up front at the prior pace, then per scenario at the pace seen', () => {
    vi.useFakeTimers({ now: 0 });
    let text = '';
    const out = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
    const p = new ProgressLine(out, false);
    p.listener({ type: 'run-start', scenarios: [{ name: 'a', profile: 'default', plannedSec: 46 }, { name: 'b', profile: 'default', plannedSec: 40 }], plannedSec: 86 });
    p.listener({ type: 'scenario-start', scenario: 'a', index: 0, count: 2, plannedSec: 46 });
    vi.setSystemTime(100_000); // 8 s of start-up, then pace 2
    p.listener({ type: 'scenario-end', result: { name: 'a' } as ScenarioResult });
    p.listener({ type: 'scenario-start', scenario: 'b', index: 1, count: 2, plannedSec: 40 });
    p.stop();
    expect(text.split('\n')).toEqual([
      // 2 x 8 s of start-up + 86 s x PRIOR_PACE (1.75) = 166.5 s
      '2 scenario(s): ~2:47 (1:26 of windows; start-ups, settling and drains at the pace of earlier runs)',
      '[1/2] a: running (~0:46 of windows), the run ~2:47 left',
      '[2/2] b: running (~0:40 of windows), the run ~1:28 left',
      '',
    ]);
  });
});
