import { request } from '../shared/api';
import { solve } from './pow';

export interface SolvedChallenge {
  challenge: string;
  nonce: string;
}

/** Asks the server for a challenge and solves it in a Web Worker (on the main thread where workers are unavailable). */
export async function solvedChallenge(): Promise<SolvedChallenge> {
  const c = await request<{ challenge: string; bits: number }>('GET', '/api/public/reports/challenge');
  const nonce = await new Promise<string>((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
    } catch {
      resolve(solve(c.challenge, c.bits));
      return;
    }
    worker.onmessage = (e: MessageEvent<{ nonce: string }>) => {
      worker.terminate();
      resolve(e.data.nonce);
    };
    worker.onerror = () => {
      worker.terminate();
      resolve(solve(c.challenge, c.bits));
    };
    worker.postMessage({ challenge: c.challenge, bits: c.bits });
  });
  return { challenge: c.challenge, nonce };
}
