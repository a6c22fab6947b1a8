import type { RedisLink } from './connection';

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const CONNECTION_WORDS = /Connection is closed|Stream isn't writeable|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|max retries per request|LOADING/i;

/**
 * True when `error` comes from a connection that dropped (the link is down, or the message says
 * so) rather than from a command Redis refused: such errors are retried until the link's deadline.
 */
export function isConnectionError(error: unknown, link: RedisLink): boolean {
  if (!link.ready) return true;
  return error instanceof Error && CONNECTION_WORDS.test(error.message);
}

/**
 * True when `promise` settles within `ms` (its outcome is ignored), false when the time runs out
 * or `cutShort` aborts. The timer is cleared once the promise settles: left running it would keep
 * the process alive.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number, cutShort?: AbortSignal): Promise<boolean> {
  const settled = new AbortController();
  const wait = cutShort === undefined ? settled.signal : AbortSignal.any([settled.signal, cutShort]);
  try {
    return await Promise.race([promise.then(() => true, () => true), sleep(ms, wait).then(() => false)]);
  } finally {
    settled.abort();
  }
}
