import { createHash } from 'node:crypto';
import { checkArguments } from '@ensemble/protocol';
import { bytesIssue } from '../argument-checks';

/** The SHA-256 of `bytes`, 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('sha256Hex', [
    bytesIssue(bytes, 'bytes'),
  ]);
  return createHash('sha256').update(bytes).digest('hex');
}
