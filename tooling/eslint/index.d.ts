import type { ConfigArray } from 'typescript-eslint';
export declare function createConfig(rootDir: string, options?: { browserSafe?: boolean; maxLines?: number }): ConfigArray;
