import type { RunConfig } from '../config';

/** FNV-1a of a string, as 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A run's default id (`OrchestratorOptions.runId` overrides it): `run-` and a hash of its parsed config, so the same config gets the same id. */
export function runIdOf(config: RunConfig): string {
  return `run-${hash(JSON.stringify(config))}`;
}
