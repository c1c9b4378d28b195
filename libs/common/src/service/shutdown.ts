/**
 * Ordered, idempotent shutdown. Steps run one after another in the order they were
 * added (stop intake first, close stores last); a failing step is reported and the
 * next one still runs. Calling `run` again returns the same promise.
 */
export interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

export type ShutdownErrorReporter = (step: string, error: unknown) => void;

export class Shutdown {
  private readonly steps: ShutdownStep[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly report: ShutdownErrorReporter) {}

  /** Adds a step; steps added after shutdown started are not run. */
  add(name: string, run: ShutdownStep['run']): void {
    this.steps.push({ name, run });
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  run(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<void> {
    for (const step of [...this.steps]) {
      try {
        await step.run();
      } catch (error) {
        this.report(step.name, error);
      }
    }
  }
}
