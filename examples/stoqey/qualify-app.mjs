#!/usr/bin/env node
// A small @stoqey/ib application in the two designs of the incident (README "Examples"):
//
//   node examples/stoqey/qualify-app.mjs incident   # a UI and a worker both on client id 1; qualification
//                                                   # wrapped in a short timeout that re-sends the request
//   node examples/stoqey/qualify-app.mjs fixed      # one connection, its own client id, no abandoned requests
//
// It connects to IBKR_HOST:IBKR_PORT (default 127.0.0.1:4002: a paper gateway or the simulator),
// qualifies TTE, WLN and AAPL, and prints one JSON line: which connections got in, which got 326,
// what was qualified and how many requests it abandoned.
import { EventName, IBApi, SecType } from '@stoqey/ib';

const host = process.env.IBKR_HOST ?? '127.0.0.1';
const port = Number(process.env.IBKR_PORT ?? 4002);
const design = process.argv[2] ?? 'fixed';
const SYMBOLS = [
  { symbol: 'TTE', currency: 'EUR' },
  { symbol: 'WLN', currency: 'EUR' },
  { symbol: 'AAPL', currency: 'USD' },
];

/** Connect with a client id: resolves { api } once nextValidId arrives, or { error } (e.g. 326). */
function connect(clientId) {
  const api = new IBApi({ host, port });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ api, error: 'no nextValidId within 10 s' }), 10_000);
    api.once(EventName.nextValidId, () => {
      clearTimeout(timer);
      resolve({ api });
    });
    // @stoqey/ib 1.6.10 reports errors without a request id (326 among them) on `info`; farm
    // notices (2104, 2106, 2158) are info too, and say nothing about the login.
    const refused = (code) => {
      if (code >= 2100 && code < 2200) return;
      clearTimeout(timer);
      resolve({ api, error: code });
    };
    api.on(EventName.info, (_message, code) => refused(code));
    api.on(EventName.error, (_err, code, reqId) => reqId === -1 && refused(code));
    api.connect(clientId);
  });
}

let nextReqId = 1000;
/** reqContractDetails; resolves the conId, or undefined after timeoutMs (the request stays open at the gateway). */
function qualify(api, { symbol, currency }, timeoutMs) {
  const reqId = nextReqId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      api.off(EventName.contractDetails, onDetails);
      resolve(undefined);
    }, timeoutMs);
    const onDetails = (id, details) => {
      if (id !== reqId) return;
      clearTimeout(timer);
      api.off(EventName.contractDetails, onDetails);
      resolve(details.contract.conId);
    };
    api.on(EventName.contractDetails, onDetails);
    api.reqContractDetails(reqId, { symbol, secType: SecType.STK, exchange: 'SMART', currency });
  });
}

const report = { design, connections: [], qualified: {}, abandoned: 0 };
const apis = [];
try {
  if (design === 'incident') {
    // The UI and the worker each open their own connection, both with client id 1.
    for (const role of ['ui', 'worker']) {
      const { api, error } = await connect(1);
      apis.push(api);
      report.connections.push({ role, clientId: 1, ...(error ? { error } : {}) });
    }
    const ui = apis[0];
    // A timeout wrapper: after 5 ms the caller gives up and asks again; the first request is abandoned.
    for (const spec of SYMBOLS) {
      let conId = await qualify(ui, spec, 5);
      while (conId === undefined) {
        report.abandoned++;
        conId = await qualify(ui, spec, 5_000);
      }
      report.qualified[spec.symbol] = conId;
    }
  } else {
    const clientId = 100 + (process.pid % 1000);
    const { api, error } = await connect(clientId);
    apis.push(api);
    report.connections.push({ role: 'app', clientId, ...(error ? { error } : {}) });
    if (!error) for (const spec of SYMBOLS) report.qualified[spec.symbol] = await qualify(api, spec, 30_000);
  }
} finally {
  for (const api of apis) api.disconnect();
}
console.log(JSON.stringify(report));
