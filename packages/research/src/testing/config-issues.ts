import { ConfigError } from '@ensemble/protocol';

/** The issues of the `ConfigError` `promise` rejects with, as `path: message` lines (none when it resolves); other errors rethrown. For tests. */
export async function issuesOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}
