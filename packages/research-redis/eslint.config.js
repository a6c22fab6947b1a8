import { createConfig } from '@ensemble/eslint-config';

export default createConfig(import.meta.dirname);
