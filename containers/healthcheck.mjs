#!/usr/bin/env node
// The image's HEALTHCHECK: exit 0 once the simulator's API answers on IBKR_SIM_PORT (the `wait`
// probe: handshake, START_API, nextValidId, managedAccounts), 1 with the reason otherwise. Plain JS
// against the compiled package, so it starts fast and needs no shell in the image.
import { PROBE_CLIENT_ID, waitForGateway } from '../dist/index.js';

const port = Number(process.env.IBKR_SIM_PORT ?? 4002);
// Not the probe's default client id: a `wait` from outside (testcontainers' ApiReadyWaitStrategy, a CI
// job's `ibkr-harness wait`) may probe at the same moment, and one of two equal ids would get 326.
const HEALTHCHECK_CLIENT_ID = PROBE_CLIENT_ID - 1;
const result = await waitForGateway({ host: '127.0.0.1', port, timeoutMs: 8_000, clientId: HEALTHCHECK_CLIENT_ID });
if (!result.ready) console.error(`not ready: ${result.reason}`);
process.exit(result.ready ? 0 : 1);
