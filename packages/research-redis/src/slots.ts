/** A counting semaphore: at most `size` holders at a time, the others served in arrival order. */
export class Slots {
  private free: number;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, got ${size}`);
    this.free = size;
  }

  /**
   * Waits for a slot; call the returned function once to give it back. Null when `signal` is
   * aborted before a slot is granted (at once if it already is, a free slot or not): nothing new
   * starts once the signal says stop.
   */
  async acquire(signal?: AbortSignal): Promise<(() => void) | null> {
    if (signal?.aborted === true) return null;
    if (this.free > 0) {
      this.free--;
    } else {
      const granted = await new Promise<boolean>((resolve) => {
        const onAbort = (): void => {
          const at = this.waiting.indexOf(grant);
          if (at >= 0) this.waiting.splice(at, 1);
          resolve(false);
        };
        const grant = (value: boolean): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        };
        this.waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (!granted) return null;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.free++;
      else next(true);
    };
  }
}
