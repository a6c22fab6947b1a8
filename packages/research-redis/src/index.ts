export type { RedisUrlSettings } from './redis-url';
export { parseRedisUrl, reconnectDelay, redactRedisUrl, redactSecrets, toRedisOptions } from './redis-url';
export type { QueueConnectionPhase } from './errors';
export { QueueConnectionError } from './errors';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_LOST_TIMEOUT_MS, RedisLink } from './connection';
export type { SweepKeys } from './keys';
export { DEFAULT_PREFIX, QUEUE_NAME_PATTERN, checkQueueName, jobIdOf, sweepKeys, sweepRegistryKey } from './keys';
export { DatasetCache, DatasetFetchError, sha256Hex, storeDataset } from './dataset-store';
