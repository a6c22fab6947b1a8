export type { TestRedisServer, TestRedisServerOptions } from './redis-server';
export { REDIS_SERVER_MISSING, findRedisServer, freePort, startRedisServer } from './redis-server';
