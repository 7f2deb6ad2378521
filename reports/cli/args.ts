/** Option parsers shared by the bench, report and publish commands. */
import { InvalidArgumentError } from 'commander';

/** `1-5`, `1,2,7` or a count `5` (= 1..5). */
export function parseSeeds(v: string): number[] {
  const out: number[] = [];
  const t = v.trim();
  if (/^\d+$/.test(t)) return Array.from({ length: Number(t) }, (_, i) => i + 1);
  for (const part of t.split(',')) {
    const m = /^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?$/.exec(part);
    if (!m) throw new InvalidArgumentError(`seeds must look like 1-5, 1,2,7 or a count; got "${v}"`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 1000) throw new InvalidArgumentError(`bad seed range "${part}"`);
    for (let s = a; s <= b; s++) out.push(s);
  }
  if (out.length === 0) throw new InvalidArgumentError('at least one seed is needed');
  return [...new Set(out)];
}

export function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function nonNegative(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${v}"`);
    return n;
  };
}

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}
