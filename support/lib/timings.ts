/** How long one component took to start. */
export interface ComponentTiming {
  readonly component: string;
  readonly ms: number;
}

/** Start-up time per component, in the order each one finished. */
export class Timings {
  readonly entries: ComponentTiming[] = [];

  async time<T>(component: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    this.entries.push({ component, ms: Date.now() - started });
    return result;
  }
}
