import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type Generator = ReturnType<typeof xoroshiro128plus>;

/**
 * The one source of randomness for a run. Given the same seed and the same sequence of calls it
 * returns the same values, which is what makes `--seed` replay a whole run.
 */
export class Rng {
  readonly seed: number;
  private gen: Generator;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.seed = seed;
    // xoroshiro's first output for small seeds is close to 1 whatever the seed (all-but-zero
    // state), which would make the first draw of every run an outlier; scramble the seed first.
    this.gen = xoroshiro128plus(hashInts(seed) | 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Log-normal draw with the given median. `sigma` is the spread of the underlying normal; 0 makes
   * the draw constant, which the `instant` profile and exact tests rely on.
   */
  lognormal(median: number, sigma: number): number {
    if (sigma <= 0 || median <= 0) return Math.max(0, median);
    return median * Math.exp(sigma * this.normal());
  }

  /** Pick one element uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }
}

/**
 * A stateless 32-bit hash of integers, for values that must depend only on their inputs (a bar at a
 * given time must look the same whatever was requested before it). Mixes with the murmur3 finalizer.
 */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    // Fold doubles (epoch ms) into two 32-bit halves so large values are not truncated.
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    h = mix(h ^ lo);
    h = mix(h ^ hi);
  }
  return h >>> 0;
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** A fresh Rng seeded from a hash of the inputs: same inputs, same stream. */
export function rngFor(...values: number[]): Rng {
  return new Rng(hashInts(...values));
}
