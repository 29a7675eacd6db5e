import { randomFillSync } from 'node:crypto';
import { V7Generator } from 'uuidv7';

/**
 * Random 32-bit words for the id generator, drawn from the operating system 1,024 at a time (the
 * library's default asks for 8 at a time: a system call every 8 ids, about 1 % of the server's CPU
 * on the case loop, which makes several ids per request).
 */
class PooledRandom {
  #words = new Uint32Array(1024);
  #next = this.#words.length;

  nextUint32(): number {
    if (this.#next === this.#words.length) {
      randomFillSync(this.#words);
      this.#next = 0;
    }
    return this.#words[this.#next++]!;
  }
}

const generator = new V7Generator(new PooledRandom());

/** Globally unique, time-ordered ids (UUIDv7) so data from many subdistricts merges cleanly. */
export const newId = (): string => generator.generate().toString();
