import { describe, expect, it } from 'vitest';
import { createMemoryLogger, noopLogger } from './logger';

describe('loggers', () => {
  it('the no-op logger accepts both call shapes and children', () => {
    expect(() => {
      noopLogger.info('message');
      noopLogger.child({ component: 'x' }).warn({ event: 'y' }, 'message');
    }).not.toThrow();
  });

  it('the memory logger merges child bindings into every record', () => {
    const logger = createMemoryLogger();
    logger.child({ component: 'engine', runId: 'r1' }).child({ strategy: 's' }).warn({ event: 'order-shrunk', quantity: 3 }, 'shrunk');
    logger.info('plain');
    expect(logger.records).toEqual([
      { level: 'warn', message: 'shrunk', fields: { component: 'engine', runId: 'r1', strategy: 's', event: 'order-shrunk', quantity: 3 } },
      { level: 'info', message: 'plain', fields: {} },
    ]);
  });
});
