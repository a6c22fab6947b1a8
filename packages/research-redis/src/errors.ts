import { EnsembleError } from '@ensemble/protocol';

/** When a Redis connection failed: while connecting, or after it was established. */
export type QueueConnectionPhase = 'connect' | 'lost';

/**
 * Redis could not be reached within the allowed time: at start (`connect`) or after the connection
 * dropped mid-way (`lost`). A run failure (`RUN_FAILED`, exit 1), not bad input. `url` is the
 * redacted URL; no message of this error ever contains the password.
 */
export class QueueConnectionError extends EnsembleError {
  /** The Redis URL with its password masked. */
  readonly url: string;
  readonly phase: QueueConnectionPhase;
  /** How long the connection was waited for, in milliseconds. */
  readonly waitedMs: number;

  constructor(details: { url: string; phase: QueueConnectionPhase; waitedMs: number; reason: string }) {
    const seconds = (details.waitedMs / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 });
    const what = details.phase === 'connect' ? `Cannot reach Redis at ${details.url} within ${seconds} s` : `Lost the connection to Redis at ${details.url} for more than ${seconds} s`;
    super(
      'RUN_FAILED',
      `${what}: ${details.reason}. Check that redis-server runs there, that the host, port and password are right and that no firewall is in the way; results already stored in Redis are kept (resume the sweep with its id).`,
    );
    this.name = 'QueueConnectionError';
    this.url = details.url;
    this.phase = details.phase;
    this.waitedMs = details.waitedMs;
  }

  static override isInstance(error: unknown): error is QueueConnectionError {
    return EnsembleError.isInstance(error) && error.name === 'QueueConnectionError';
  }
}
