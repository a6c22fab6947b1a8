import type { Options } from 'tsup';
export declare function createLibraryConfig(entry: Options['entry'], options?: Pick<Options, 'dts'>): Options;
