/**
 * Building fast-check commands (`fc.commands` with `fc.asyncModelRun`) from three parts instead of
 * a class each: the name printed in a counterexample (it should say everything the command was
 * generated with, since that is all a failure report shows of it), when the command applies to the
 * model's state, and what it does to the model and to the system under test.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Applies in every state. */
export const always = (): boolean => true;

/**
 * `expect(actual).toEqual(expected)`, but only paid for on a mismatch: a model-based run compares
 * after every command, and vitest's deep equality costs about 0.1 ms a call, node's a few µs.
 */
export function expectAgreement(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

/** Makes commands whose run ends with the same check (see `checkedBy`). */
export type CommandMaker<Model extends object, Real> = (
  name: string,
  check: (m: Model) => boolean,
  act: (m: Model, r: Real) => void | Promise<void>,
) => fc.AsyncCommand<Model, Real, false>;

/** Commands that, after acting, check that the real system agrees with the model (`agree` throws if not). */
export function checkedBy<Model extends object, Real>(agree: (m: Model, r: Real) => Promise<void>): CommandMaker<Model, Real> {
  return (name, check, act) => ({
    check,
    run: async (m, r) => {
      await act(m, r);
      await agree(m, r);
    },
    toString: () => name,
  });
}

/**
 * Commands that let model time pass: each of `steps` (model ms), and — when the model has a next
 * deadline — to 1 ms before it, exactly to it and 1 ms after it, where off-by-one rules show.
 * `passTime` moves both the model and the real clock.
 */
export function timeCommands<Model extends { now: number }, Real>(
  make: CommandMaker<Model, Real>,
  steps: readonly number[],
  passTime: (m: Model, r: Real, ms: number) => Promise<void>,
  deadline: { name: string; next: (m: Model) => number | undefined },
): Array<fc.Arbitrary<fc.AsyncCommand<Model, Real, false>>> {
  const until = (m: Model, offset: number) => {
    const due = deadline.next(m);
    return due === undefined || due + offset < m.now ? undefined : due + offset - m.now;
  };
  return [
    fc.constantFrom(...steps).map((ms) => make(`passTime(${ms} ms)`, always, (m, r) => passTime(m, r, ms))),
    fc.constantFrom(-1, 0, 1).map((o) =>
      make(
        `to${deadline.name}(${o >= 0 ? '+' : ''}${o} ms)`,
        (m) => until(m, o) !== undefined,
        (m, r) => passTime(m, r, until(m, o)!),
      ),
    ),
  ];
}
