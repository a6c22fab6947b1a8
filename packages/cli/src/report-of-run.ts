import { ConfigError, RunError } from '@ensemble/protocol';
import type { Logger } from '@ensemble/protocol';
import { ReportGenerator } from '@ensemble/report';
import type { ReportInput } from '@ensemble/report';

/**
 * A `ReportGenerator` for the report input the CLI built from its own run. The report package
 * checks its input like any user's and throws a `ConfigError` (exit 2, "invalid configuration")
 * when it fails; here the input came from the run, not from the user, so that is a run failure:
 * a `RunError` (exit 1) that says so, with the report's problems as its cause.
 */
export function reportOfRun(input: ReportInput, logger: Logger | undefined): ReportGenerator {
  try {
    return new ReportGenerator(input, logger === undefined ? {} : { logger });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new RunError(
      `The run finished, but its report could not be built from the result: ${error.message}\nNothing was written. Run again without --html and --md to keep the JSON result, and report this with the config that produced it.`,
      { what: 'report', cause: error },
    );
  }
}
