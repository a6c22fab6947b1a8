import { ConfigError } from '../errors';

/** What {@link configIssuesOf} found: the `ConfigError`'s heading (its message's first line) and its issues' paths. */
export interface ConfigIssuesThrown {
  readonly heading: string;
  readonly paths: string[];
}

/**
 * Calls `call` and returns the `ConfigError` it threw (or rejected with) as its heading and issue
 * paths, for a table of bad inputs in a test: `expect(await configIssuesOf(() => f(5))).toEqual({
 * heading: 'Invalid arguments to f:', paths: ['input'] })`. Throws when the call succeeds or fails
 * with anything else, naming what it got.
 */
export async function configIssuesOf(call: () => unknown): Promise<ConfigIssuesThrown> {
  try {
    await call();
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw new Error(`expected a ConfigError, got ${String(error)}`, { cause: error });
    return { heading: error.message.split('\n')[0] ?? '', paths: error.issues.map((issue) => issue.path) };
  }
  throw new Error('expected a ConfigError, got none');
}
