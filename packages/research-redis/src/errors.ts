import { EnsembleError, checkArguments, shapeIssue } from '@ensemble/protocol';

/** When a Redis connection failed: while connecting, or after it was established. */
export type QueueConnectionPhase = 'connect' | 'lost';

/** A refused password or user (`WRONGPASS`, `NOAUTH`, `NOPERM`): waiting does not change it. */
export const CREDENTIALS_REFUSED = /^(WRONGPASS|NOAUTH|NOPERM)\b/;
/** ioredis's words for a reply that is not Redis's protocol (another service on that port). */
export const NOT_REDIS = /^Protocol error\b/;

/**
 * A reason from Redis or ioredis as a message clause: without a closing full stop (the message
 * goes on after it) and without ioredis's "Please report this." after a protocol error, which
 * would send the user to ioredis's issue tracker for a wrong port.
 */
function clause(reason: string): string {
  return reason.replace(/\s*Please report this\.?\s*$/, '').replace(/[.\s]+$/, '');
}

/**
 * Redis could not be reached within the allowed time: at start (`connect`) or after the connection
 * dropped mid-way (`lost`); or it answered, but refused the credentials or did not speak Redis's
 * protocol (`connect`, at once: waiting changes neither). A run failure (`RUN_FAILED`, exit 1), not
 * bad input. `url` is the redacted URL; no message of this error ever contains the password.
 */
export class QueueConnectionError extends EnsembleError {
  /** The Redis URL with its password masked. */
  readonly url: string;
  readonly phase: QueueConnectionPhase;
  /** How long the connection was waited for, in milliseconds. */
  readonly waitedMs: number;

  constructor(details: { url: string; phase: QueueConnectionPhase; waitedMs: number; reason: string }) {
    // From JavaScript the arguments can be anything: undefined details failed as a TypeError.
    checkArguments('QueueConnectionError', [shapeIssue(details, 'details', 'the details ({ url, phase, waitedMs, reason })', { url: 'string', phase: 'string', waitedMs: 'number', reason: 'string' })]);
    super('RUN_FAILED', QueueConnectionError.messageOf(details));
    this.name = 'QueueConnectionError';
    this.url = details.url;
    this.phase = details.phase;
    this.waitedMs = details.waitedMs;
  }

  private static messageOf(details: { url: string; phase: QueueConnectionPhase; waitedMs: number; reason: string }): string {
    const reason = clause(details.reason);
    if (details.phase === 'connect' && CREDENTIALS_REFUSED.test(reason)) {
      return `Redis at ${details.url} refused the credentials: ${reason}. Check the user name and the password.`;
    }
    if (details.phase === 'connect' && NOT_REDIS.test(reason)) {
      return `The server at ${details.url} does not answer as Redis does (${reason}): check the host and the port.`;
    }
    const seconds = (details.waitedMs / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 });
    const check = 'Check that redis-server runs there, that the host, port and password are right and that no firewall is in the way';
    if (details.phase === 'connect') return `Cannot reach Redis at ${details.url} within ${seconds} s: ${reason}. ${check}.`;
    return `Lost the connection to Redis at ${details.url} for more than ${seconds} s: ${reason}. ${check}; results already stored in Redis are kept: running the sweep again under the same id (for ensemble, the same command) goes on from them.`;
  }

  static override isInstance(error: unknown): error is QueueConnectionError {
    return EnsembleError.isInstance(error) && error.name === 'QueueConnectionError';
  }
}

/**
 * The sweep a coordinator waits for was removed from Redis while the connection stayed up (`queue
 * clean --force`, or its keys deleted by hand): nothing will deliver its remaining results.
 * `RUN_FAILED` (exit 1); names the sweep and what was handed over.
 */
export class SweepRemovedError extends EnsembleError {
  readonly sweepId: string;

  constructor(details: { sweepId: string; shortId: string; delivered: number; total: number }) {
    checkArguments('SweepRemovedError', [shapeIssue(details, 'details', 'the details ({ sweepId, shortId, delivered, total })', { sweepId: 'string', shortId: 'string', delivered: 'number', total: 'number' })]);
    super(
      'RUN_FAILED',
      `Sweep ${details.shortId} was removed from Redis while this coordinator waited for its results (ensemble queue clean --force, or its keys deleted); ${String(details.delivered)} of ${String(details.total)} results had been handed over. Run the sweep again to store it anew: its workers take it up again.`,
    );
    this.name = 'SweepRemovedError';
    this.sweepId = details.sweepId;
  }

  static override isInstance(error: unknown): error is SweepRemovedError {
    return EnsembleError.isInstance(error) && error.name === 'SweepRemovedError';
  }
}
