// The load processes of one shape: forked, spoken to over IPC, every wait bounded, and killed
// (SIGKILL) at the end whatever happened.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

class LoadProcessHandle {
  private readonly inbox: WorkerMessage[] = [];
  private wake: (() => void) | undefined;
  private ended: string | undefined;

  constructor(
    readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (message: WorkerMessage) => {
      this.inbox.push(message);
      this.wake?.();
    });
    // 'close': after the IPC channel too, so no message is still on its way.
    child.on('close', (code, signal) => {
      this.ended = `exited (${signal ?? code})`;
      this.wake?.();
    });
  }

  /** The next message of `type`; throws on an 'error' message, an exit or the deadline. */
  async next<T extends WorkerMessage['type']>(
    type: T,
    deadline: number,
  ): Promise<Extract<WorkerMessage, { type: T }>> {
    for (;;) {
      const index = this.inbox.findIndex(m => m.type === type || m.type === 'error');
      const message = index >= 0 ? this.inbox.splice(index, 1)[0] : undefined;
      if (message?.type === 'error') throw new Error(`${this.name}: ${message.message}`);
      if (message) return message as Extract<WorkerMessage, { type: T }>;
      if (this.ended) throw new Error(`${this.name} ${this.ended} before '${type}'`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no '${type}' in time`);
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  send(message: ParentMessage): void {
    if (this.child.connected) this.child.send(message);
  }
}

export class WorkerPool {
  private readonly handles: LoadProcessHandle[];

  /** Forks `script` once per task (from source, as the services run); its stdout goes to stderr. */
  constructor(script: URL, tasks: readonly unknown[], nodeArgs: readonly string[] = []) {
    this.handles = tasks.map((task, i) => {
      const child = fork(script.pathname, [], {
        execArgv: ['--conditions=@taba/source', '--import', 'tsx', ...nodeArgs],
        stdio: ['ignore', 2, 2, 'ipc'],
      });
      const handle = new LoadProcessHandle(child, `load process ${i}`);
      handle.send({ type: 'task', task });
      return handle;
    });
  }

  get size(): number {
    return this.handles.length;
  }

  /** Sends every process a message (`message(i)` for process i). */
  send(message: ParentMessage | ((index: number) => ParentMessage)): void {
    for (const [i, handle] of this.handles.entries()) {
      handle.send(typeof message === 'function' ? message(i) : message);
    }
  }

  /** One message of `type` from every process, in process order, by `deadline` (epoch ms). */
  collect<T extends WorkerMessage['type']>(
    type: T,
    deadline: number,
  ): Promise<Extract<WorkerMessage, { type: T }>[]> {
    return Promise.all(this.handles.map(handle => handle.next(type, deadline)));
  }

  kill(): void {
    for (const { child } of this.handles) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}
