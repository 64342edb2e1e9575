/**
 * People by ID number for the hot loops (the matching's people and roster, the ledger's duplicate
 * ID numbers): exact numeric ID keys (idNumberKey) → small integers, in an open-addressing table
 * over two typed arrays. A Map of 300k strings costs a
 * string hash read, bucket and entry hops and a string comparison per look-up; this costs one
 * probe of a Float64Array in the common case, and nothing for the garbage collector.
 */
const EMPTY = -1;

export class IdKeyTable {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 512) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored under the key, or -1. Keys are idNumberKey results (≥ 0). */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === key) return this.values[slot];
      if (k === EMPTY) return -1;
    }
  }

  /** Stores value (≥ 0) under key (≥ 0), replacing any earlier value. */
  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === EMPTY) {
        keys[slot] = key;
        this.values[slot] = value;
        this.count++;
        return;
      }
      if (k === key) {
        this.values[slot] = value;
        return;
      }
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.set(oldKeys[i], oldValues[i]);
  }
}

/** Mixes the key's low and high 32 bits into a slot (keys differ mostly in their low bits). */
function slotOf(key: number, mask: number): number {
  const low = key >>> 0;
  const high = (key / 4294967296) | 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return h & mask;
}
