import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

/**
 * A V8 CPU profile of this process through node:inspector's Profiler domain, written as a
 * `.cpuprofile` (open it in Chrome DevTools' Performance panel, VS Code or speedscope). Used by
 * the daemon (`--cpu-profile FILE` / EXAI_CPU_PROFILE) and by bench:tight (`--cpu-profile DIR`).
 */
export class CpuProfile {
  private readonly session = new Session();
  private running = false;

  /** `intervalUs`: the sampling interval (V8's default is 1000 us; finer shows ns-scale work better). */
  async start(intervalUs = 100): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.session.post('Profiler.start');
    this.running = true;
  }

  /** Stops sampling and writes the profile to `file` (its folder is created). */
  async stop(file: string): Promise<string> {
    if (!this.running) throw new Error('CPU profile: stop() before start()');
    this.running = false;
    const { profile } = await this.session.post('Profiler.stop');
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(profile));
    return file;
  }
}
