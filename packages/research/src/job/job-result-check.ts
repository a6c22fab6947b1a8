import { EnsembleError, checkArguments, shapeIssue, stringIssue } from '@ensemble/protocol';
import type { ResearchJobResult } from './research-job';

/**
 * A research job result that is not one: what an executor reported (or a JSON form read back)
 * lacks a field or has it in another shape — typically a result that went through
 * `JSON.stringify`, which turns each `Float64Array` column into an object of indexes. Names the
 * combination (`index`, when the value has one) and the field.
 */
export class JobResultError extends EnsembleError {
  /** The combination the result claims to be, if it has a numeric `index`. */
  readonly index: number | undefined;
  /** The field that is wrong, e.g. `periodReturns` or `curve.equity`. */
  readonly field: string;

  constructor(message: string, details: { index: number | undefined; field: string }) {
    // From JavaScript the arguments can be anything: undefined details failed as a TypeError.
    checkArguments('JobResultError', [stringIssue(message, 'message', 'the message (a string)'), shapeIssue(details, 'details', 'the details ({ index, field })', { field: 'string', index: 'number?' })]);
    super('RUN_FAILED', message);
    this.name = 'JobResultError';
    this.index = details.index;
    this.field = details.field;
  }

  static override isInstance(error: unknown): error is JobResultError {
    return EnsembleError.isInstance(error) && error.name === 'JobResultError';
  }
}

const STATUSES: readonly unknown[] = ['ok', 'failed', 'timed-out'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, in a few words (`an array`, `a plain object`, `a string`, …). */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  if (typeof value === 'object') return 'a plain object';
  return `a ${typeof value}`;
}

function isFloat64Array(value: unknown): value is Float64Array {
  // By its tag, not `instanceof`: a column built in another realm (a vm context) is one too.
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Float64Array]';
}

/**
 * Checks that `value` is a {@link ResearchJobResult} as an executor must report it: an integer
 * `index`, a known `status`, `metrics` an object or null, `periodReturns` a `Float64Array`, `curve`
 * (if any) two `Float64Array`s of one length, `error` (if any) a code and a message. Throws a
 * {@link JobResultError} naming the first field that is wrong; a column that is a plain object or
 * an array says how to send a result as JSON (`jobResultToJson` / `jobResultFromJson`).
 */
export function checkJobResult(value: unknown): asserts value is ResearchJobResult {
  const index = isRecord(value) && typeof value.index === 'number' ? value.index : undefined;
  const which = index === undefined ? 'a result' : `the result of combination ${String(index)}`;
  const fail = (field: string, expected: string, actual: unknown): never => {
    const json =
      isRecord(actual) || Array.isArray(actual)
        ? ' Results carry their columns as Float64Arrays, and JSON.stringify writes each as an object of indexes: send a result as jobResultToJson(result) and read it back with jobResultFromJson.'
        : '';
    throw new JobResultError(`The executor reported ${which} whose ${field} is ${describeValue(actual)}, not ${expected}.${json}`, { index, field });
  };
  if (!isRecord(value)) return fail('value', 'a research job result (an object)', value);
  if (index === undefined || !Number.isSafeInteger(index) || index < 0) return fail('index', 'a combination index (an integer ≥ 0)', value.index);
  if (!STATUSES.includes(value.status)) return fail('status', `one of ${STATUSES.join(', ')}`, value.status);
  if (value.metrics !== null && !isRecord(value.metrics)) return fail('metrics', 'the metrics (an object) or null', value.metrics);
  if (!isFloat64Array(value.periodReturns)) return fail('periodReturns', 'a Float64Array', value.periodReturns);
  const { curve, error } = value;
  if (curve !== undefined) {
    if (!isRecord(curve)) return fail('curve', 'an object of two Float64Arrays (time, equity)', curve);
    if (!isFloat64Array(curve.time)) return fail('curve.time', 'a Float64Array', curve.time);
    if (!isFloat64Array(curve.equity)) return fail('curve.equity', 'a Float64Array', curve.equity);
    if (curve.time.length !== curve.equity.length) {
      throw new JobResultError(`The executor reported ${which} whose curve has ${String(curve.time.length)} times but ${String(curve.equity.length)} equity values; they must be as many.`, { index, field: 'curve' });
    }
  }
  if (error !== undefined && (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string')) {
    return fail('error', 'a code and a message (strings)', error);
  }
}
