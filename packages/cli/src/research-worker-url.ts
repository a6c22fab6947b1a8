/**
 * The URL of the CLI's research worker module (see `research-worker.ts`), for the local worker
 * pool of `ensemble sweep`, `walk-forward` and `worker`: through a tsx entry when the CLI runs from
 * its TypeScript source (this repository), the build's `research-worker.js` when published. This
 * file sits beside both, in the source and, bundled, in the build's directory.
 */
export function researchWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './research-worker-source.mjs' : './research-worker.js', import.meta.url);
}
