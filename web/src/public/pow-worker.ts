/// <reference lib="webworker" />
import { solve } from './pow';

/** Solves the report's proof-of-work off the main thread, so the page stays responsive. */
self.onmessage = (e: MessageEvent<{ challenge: string; bits: number }>) => {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage({ nonce: solve(e.data.challenge, e.data.bits) });
};
