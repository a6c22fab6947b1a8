import { describe, expect, it } from 'vitest';
import { createCapturedIo } from './io';
import { createCliLogger } from './logger';

describe('createCliLogger', () => {
  it('writes JSON lines when stderr is not a terminal', () => {
    const io = createCapturedIo();
    createCliLogger(io, 'info').child({ component: 'orchestrator' }).info({ event: 'rebalance' }, 'rebalanced');
    const line = JSON.parse(io.err()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, app: 'ensemble', component: 'orchestrator', event: 'rebalance', msg: 'rebalanced' });
  });

  it('writes readable lines on a terminal, and JSON with --log-json', () => {
    const lines: string[] = [];
    const io = { ...createCapturedIo({ env: { NO_COLOR: '1' } }), stderr: { isTTY: true, write: (text: string) => lines.push(text) } };
    createCliLogger(io, 'info').warn({ event: 'order-shrunk', quantity: 3 }, 'order shrunk');
    expect(lines.join('')).toMatch(/WARN: order shrunk\n\s+event: "order-shrunk"\n\s+quantity: 3/);
    lines.length = 0;
    createCliLogger(io, 'info').warn({ event: 'order-shrunk', time: '2020-01-02T00:00:00.000Z' }, 'order shrunk');
    expect(lines.join('')).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: bar 2020-01-02T00:00:00\.000Z: order shrunk\n/);
    lines.length = 0;
    createCliLogger(io, 'info', { json: true }).warn({ event: 'order-shrunk' }, 'order shrunk');
    expect(JSON.parse(lines.join(''))).toMatchObject({ level: 40, event: 'order-shrunk' });
  });

  it('keeps an event\'s own time and strategy: each key appears once in a JSON line', () => {
    const io = createCapturedIo();
    createCliLogger(io, 'info').child({ component: 'engine' }).info({ event: 'order-dropped', strategy: 's', time: '2020-01-02T00:00:00.000Z' }, 'dropped');
    const text = io.err();
    expect(text.match(/"time":/g)).toHaveLength(1);
    expect(text.match(/"strategy":/g)).toHaveLength(1);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({ time: '2020-01-02T00:00:00.000Z', strategy: 's', component: 'engine' });
    expect(typeof line.loggedAt).toBe('number');
  });

  it('logs an error with its own message and its cause nested, not appended', () => {
    const io = createCapturedIo();
    const cause = new Error('bad window');
    const err = new Error('Strategy "x" failed on SP500 at 2020-01-02: bad window', { cause });
    createCliLogger(io, 'info').error({ event: 'strategy-failed', err }, err.message);
    const line = JSON.parse(io.err()) as { err: { message: string; cause: { message: string } } };
    expect(line.err.message).toBe('Strategy "x" failed on SP500 at 2020-01-02: bad window');
    expect(line.err.cause.message).toBe('bad window');
  });

  it('respects the level', () => {
    const io = createCapturedIo();
    createCliLogger(io, 'warn').info('quiet');
    expect(io.err()).toBe('');
  });
});
