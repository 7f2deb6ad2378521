/** Prices on a one-increment tick grid, for callers that hold a tick size rather than an instrument. */
import { PriceLadder, type Rounding } from '../market/price-ladder.ts';

/** `x` on the grid of `step`, rounded down, up or to the nearest step, as an exact decimal (simulator/market/price-ladder.ts). */
export function onTick(x: number, step: number, how: Rounding = 'nearest'): number {
  return PriceLadder.constant(step).round(x, how);
}
