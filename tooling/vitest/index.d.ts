import type { ViteUserConfig } from 'vitest/config';
export declare function createVitestConfig(test?: ViteUserConfig['test']): ViteUserConfig;
