import { createConfig } from '@ensemble/eslint-config';

// One concept per file: a source file much above 400 lines holds more than one.
export default createConfig(import.meta.dirname, { browserSafe: true, maxLines: 420 });
