// Writes schema/result.schema.json from the zod schema of the JSON result format.
// Run with `pnpm --filter @ensemble/report schema`; a test fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resultJsonSchemaText } from '../src/result-json';

const path = fileURLToPath(new URL('../schema/result.schema.json', import.meta.url));
writeFileSync(path, resultJsonSchemaText());
process.stdout.write(`wrote ${path}\n`);
