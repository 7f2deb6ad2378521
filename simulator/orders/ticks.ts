/** Prices on a tick grid: the check behind error 110 and the rounding of quotes. */

/** Decimals of a tick size (0.01 → 2, 0.0001 → 4, 0.25 → 2). */
function decimalsOf(step: number): number {
  const [mant, exp] = step.toExponential().split('e');
  return Math.max(0, (mant!.split('.')[1] ?? '').length - Number(exp));
}

/** `x` on the grid of `step`, rounded down, up or to the nearest step, as an exact decimal. */
export function onTick(x: number, step: number, how: 'down' | 'up' | 'nearest' = 'nearest'): number {
  const q = x / step;
  // Nudge before floor/ceil so that 270.02 / 0.01 = 27001.999… does not land one tick off.
  const n = how === 'down' ? Math.floor(q + 1e-9) : how === 'up' ? Math.ceil(q - 1e-9) : Math.round(q);
  return Number((n * step).toFixed(decimalsOf(step)));
}

/** Whether `price` is a whole number of ticks (within float noise). */
export function isOnTick(price: number, step: number): boolean {
  const q = price / step;
  return Math.abs(q - Math.round(q)) < 1e-6;
}
