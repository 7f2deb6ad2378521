"""A small ib_async application in the two designs of the incident (README "Examples").

    python qualify_app.py incident   # a UI and a worker both on client id 1; qualification wrapped in
                                     # a short timeout that re-sends the request
    python qualify_app.py fixed      # one connection, its own client id, no abandoned requests

It connects to IBKR_HOST:IBKR_PORT (default 127.0.0.1:4002: a paper gateway or the simulator),
qualifies TTE, WLN and AAPL, and prints one JSON line, as examples/stoqey/qualify-app.mjs does.
Needs ib_async (pip install ib_async); not run in this project's CI (no Python package index there).
"""

import asyncio
import json
import os
import sys

from ib_async import IB, Stock

HOST = os.environ.get("IBKR_HOST", "127.0.0.1")
PORT = int(os.environ.get("IBKR_PORT", "4002"))
SYMBOLS = [("TTE", "EUR"), ("WLN", "EUR"), ("AAPL", "USD")]


async def connect(client_id: int) -> tuple[IB, str | None]:
    ib = IB()
    try:
        await ib.connectAsync(HOST, PORT, clientId=client_id, timeout=10)
        return ib, None
    except Exception as err:  # 326 closes the connection: ib_async raises
        return ib, f"{type(err).__name__}: {err}"


async def qualify(ib: IB, symbol: str, currency: str, timeout: float):
    contract = Stock(symbol, "SMART", currency)
    try:
        [qualified] = await asyncio.wait_for(ib.qualifyContractsAsync(contract), timeout)
        return qualified.conId
    except asyncio.TimeoutError:
        return None  # the request stays open at the gateway: abandoned


async def main(design: str) -> dict:
    report = {"design": design, "connections": [], "qualified": {}, "abandoned": 0}
    ibs = []
    try:
        if design == "incident":
            for role in ("ui", "worker"):
                ib, error = await connect(1)
                ibs.append(ib)
                report["connections"].append({"role": role, "clientId": 1, **({"error": error} if error else {})})
            ui = ibs[0]
            for symbol, currency in SYMBOLS:
                con_id = await qualify(ui, symbol, currency, 0.005)
                while con_id is None:
                    report["abandoned"] += 1
                    con_id = await qualify(ui, symbol, currency, 5)
                report["qualified"][symbol] = con_id
        else:
            client_id = 100 + os.getpid() % 1000
            ib, error = await connect(client_id)
            ibs.append(ib)
            report["connections"].append({"role": "app", "clientId": client_id, **({"error": error} if error else {})})
            if not error:
                for symbol, currency in SYMBOLS:
                    report["qualified"][symbol] = await qualify(ib, symbol, currency, 30)
    finally:
        for ib in ibs:
            ib.disconnect()
    return report


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "fixed"))))
