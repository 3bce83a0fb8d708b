// Per-app background machinery (timers, in-process state) that modules create on first use
// and that the app stops on close.
export interface Stoppable {
  stop(): Promise<void> | void;
}

export class Runtime {
  private readonly parts = new Map<string, Stoppable>();
  private stopped = false;

  get<T extends Stoppable>(key: string, create: () => T): T {
    if (!this.parts.has(key)) this.parts.set(key, create());
    return this.parts.get(key) as T;
  }

  peek<T extends Stoppable>(key: string): T | undefined {
    return this.parts.get(key) as T | undefined;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const part of this.parts.values()) await part.stop();
  }
}
