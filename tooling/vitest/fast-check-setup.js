// @ts-check
// Runs before every test file: fast-check properties draw from one fixed seed, so `pnpm test`
// gives the same cases on every run and machine. `ENSEMBLE_FC_SEED` replays another seed (the
// fuzz script, `pnpm test:fuzz`, sets a random one per round and prints it with any failure).
import fc from 'fast-check';

/** The seed `pnpm test` uses when `ENSEMBLE_FC_SEED` is not set. */
const DEFAULT_SEED = 20_261_203;

const fromEnvironment = process.env.ENSEMBLE_FC_SEED;
const seed = fromEnvironment === undefined || fromEnvironment === '' ? DEFAULT_SEED : Number(fromEnvironment);
if (!Number.isSafeInteger(seed)) {
  throw new Error(`ENSEMBLE_FC_SEED must be an integer, got ${JSON.stringify(fromEnvironment)}`);
}

fc.configureGlobal({
  seed,
  // A property that fails shrinks its counterexample synchronously, which no test timeout can
  // interrupt; bound the whole run (cases and shrinking) so a failure reports instead of hanging.
  interruptAfterTimeLimit: 120_000,
  markInterruptAsFailure: true,
});
