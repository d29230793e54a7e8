interface KeyState<T> {
  /** Resolves when the run in progress settles. */
  running: Promise<unknown>;
  /** The next run, shared by every caller that arrived while one was in progress. */
  queued: Promise<T> | undefined;
}

/**
 * Coalesces identical read requests without ever serving a stale answer: a caller never joins a run
 * that has already started (its statement might predate the caller's request); callers arriving while
 * a run is in progress share the *next* run, which starts when the current one settles. So under N
 * concurrent identical requests the database sees about two statements instead of N, and each answer
 * still comes from a statement that started after its request arrived. A failure reaches the callers
 * of that run only.
 */
export class FreshCoalescer {
  private readonly states = new Map<string, KeyState<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const state = this.states.get(key) as KeyState<T> | undefined;
    if (state === undefined) return this.start(key, work);
    state.queued ??= state.running.then(
      () => this.promote(key, work),
      () => this.promote(key, work),
    );
    return state.queued;
  }

  private start<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = work();
    const state: KeyState<T> = { running: result, queued: undefined };
    this.states.set(key, state);
    void result.then(
      () => this.settle(key, state),
      () => this.settle(key, state),
    );
    return result;
  }

  /** The queued run becomes the running one. */
  private promote<T>(key: string, work: () => Promise<T>): Promise<T> {
    const state = this.states.get(key) as KeyState<T>;
    const result = work();
    state.running = result;
    state.queued = undefined;
    void result.then(
      () => this.settle(key, state),
      () => this.settle(key, state),
    );
    return result;
  }

  /** After a run: forget the key unless callers are queued for the next run. */
  private settle<T>(key: string, state: KeyState<T>): void {
    if (state.queued === undefined && this.states.get(key) === state) this.states.delete(key);
  }
}
