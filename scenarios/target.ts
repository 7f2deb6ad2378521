/**
 * What a scenario runs against: `sim` — a simulator over real TCP (in this process, or in another
 * one given its gateway and control addresses); `virtual` — the gateway model on a virtual clock;
 * `live` — a real gateway.
 */
export type Target = 'sim' | 'virtual' | 'live';
