import { z } from 'zod';

/** One file of a strategy module: its path relative to the strategy file's folder and the SHA-256 of its bytes. */
export const StrategyModuleFileSchema = z
  .strictObject({
    path: z.string().min(1).describe('The file relative to the strategy file\'s folder, with "/" separators: "./edgy.ts", "./lib/helper.ts", "../common/edge.ts"'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hexadecimal digits (a SHA-256)' })
      .describe("SHA-256 of the file's bytes, lower-case hex"),
  })
  .describe('One file of a strategy module');

/**
 * The files a strategy module's digest covers, recorded beside it when the strategy file imports
 * local files: the strategy file first, then every file it imports by a relative path (or a
 * tsconfig path alias), transitively, in path order. Absent for a file that imports none, whose
 * digest is the SHA-256 of its bytes alone. Tells a check which file changed.
 */
export const StrategyModuleFilesSchema = z
  .array(StrategyModuleFileSchema)
  .min(2)
  .describe(
    'Recorded when the strategy file imports local files: the strategy file, then every local file it imports (transitively), each with its SHA-256; "sha256" is the digest of them all. Packages it imports are not covered',
  );

/** One file of a strategy module (see {@link StrategyModuleFileSchema}). */
export type StrategyModuleFile = z.output<typeof StrategyModuleFileSchema>;
