// Starts a test Redis server, prints its port and waits to be killed (a test kills it with
// SIGKILL and checks that the server does not outlive it).
import { startRedisServer } from '../src/testing/redis-server';

const server = await startRedisServer();
process.stdout.write(`port ${server.port}\n`);
setInterval(() => undefined, 60_000);


