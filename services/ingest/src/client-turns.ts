/**
 * One client's batches are processed one after another: the parts of seq N+1 go out only
 * after every part of seq N is committed (or the batch failed). Different clients run side
 * by side.
 */
export class ClientTurns {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(clientId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(clientId) ?? Promise.resolve();
    const mine = previous.then(work);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(clientId, tail);
    try {
      return await mine;
    } finally {
      // The last batch of a client cleans up after itself, so the map holds active clients only.
      if (this.tails.get(clientId) === tail) this.tails.delete(clientId);
    }
  }

  get activeClients(): number {
    return this.tails.size;
  }
}
