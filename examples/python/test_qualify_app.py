"""The ib_async example against the session's simulator (see conftest.py). Needs ib_async."""

import json
import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).with_name("qualify_app.py")


def run_app(sim, design):
    env = {**os.environ, "IBKR_HOST": sim["host"], "IBKR_PORT": str(sim["port"])}
    out = subprocess.run([sys.executable, str(APP), design], env=env, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_incident_design_gets_326(ibkr_simulator):
    report = run_app(ibkr_simulator, "incident")
    assert report["connections"][0] == {"role": "ui", "clientId": 1}
    assert "error" in report["connections"][1]  # the worker's client id 1 is in use: 326


def test_fixed_design_qualifies_everything(ibkr_simulator):
    report = run_app(ibkr_simulator, "fixed")
    assert [c.get("error") for c in report["connections"]] == [None]
    assert report["qualified"] == {"TTE": 900000001, "WLN": 900000003, "AAPL": 265598}
    assert report["abandoned"] == 0
