import { describe, expect, it } from 'vitest';
import { TimerCpu } from './timer-cpu.ts';

/** Spin until this process has used `us` more microseconds of CPU: a known minimum, whatever the machine's speed. */
function burn(us: number): void {
  const from = process.cpuUsage();
  for (;;) {
    const d = process.cpuUsage(from);
    if (d.user + d.system >= us) return;
  }
}

describe('TimerCpu', () => {
  it('starts at zero and adds up the CPU of each part it runs or is charged for, a failing part included', () => {
    const t = new TimerCpu();
    expect(t.totalUs).toBe(0);
    expect(t.run(() => (burn(500), 'done'))).toBe('done');
    const one = t.totalUs;
    expect(one).toBeGreaterThanOrEqual(500);
    const from = process.cpuUsage();
    burn(300);
    t.charge(from);
    expect(t.totalUs).toBeGreaterThanOrEqual(one + 300);
    const two = t.totalUs;
    expect(() => t.run(() => { burn(200); throw new Error('sink down'); })).toThrow('sink down');
    expect(t.totalUs).toBeGreaterThanOrEqual(two + 200);
  });
});
