import { describe, expect, it } from 'vitest';
import { readJsonFile } from './json-file';

describe('readJsonFile', () => {
  // Regression: `ensemble sweep --spec /dev/zero` read the device to V8's longest string, then
  // failed as "Invalid string length".
  it.skipIf(process.platform === 'win32')('a device is IO_FAILED, said so', async () => {
    await expect(readJsonFile('/dev/zero', 'sweep spec')).rejects.toMatchObject({
      code: 'IO_FAILED',
      message: 'Cannot read the sweep spec "/dev/zero": it is a device, not a file; give the path of a JSON file.',
    });
  });

  it('a missing file is IO_FAILED naming it', async () => {
    await expect(readJsonFile('/no/such/spec.json', 'sweep spec')).rejects.toMatchObject({ code: 'IO_FAILED', message: 'Cannot read the sweep spec "/no/such/spec.json": no such file.' });
  });
});
