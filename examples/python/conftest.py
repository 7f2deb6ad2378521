"""pytest fixtures: one ibkr-harness simulator for the test session.

    def test_my_app(ibkr_simulator):
        run_my_app(host=ibkr_simulator["host"], port=ibkr_simulator["port"])

The simulator is the ibkr-harness command (npm i -D ibkr-harness: node_modules/.bin/ibkr-harness, or
set IBKR_HARNESS to its path). It is started directly, not through npx or npm run, so that stopping
it here stops the simulator itself (a wrapper would be stopped instead and leave it running). The
fixture waits until the API answers (`ibkr-harness wait`), not just the port. IBKR_SIM_PROFILE and
IBKR_SIM_SEED choose the profile and seed.

Gate on the gateway's verdict: with IBKR_FAIL_ON set (e.g. `326,abandoned`, or `all`), the simulator
judges every client that connected during the session (`sim --verdict DIR --fail-on …`) and, if a
check found something, the session ends with an error showing verdict.md.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest


def _harness() -> str:
    if os.environ.get("IBKR_HARNESS"):
        return os.environ["IBKR_HARNESS"]
    for parent in [Path.cwd(), *Path.cwd().parents]:
        candidate = parent / "node_modules" / ".bin" / "ibkr-harness"
        if candidate.exists():
            return str(candidate)
    raise RuntimeError("ibkr-harness not found: npm i -D ibkr-harness, or set IBKR_HARNESS to the command's path")


@pytest.fixture(scope="session")
def ibkr_simulator(tmp_path_factory):
    harness = _harness()
    args = [harness, "sim", "--port", "0", "--control-port", "0", "--log-level", "warn"]
    fail_on = os.environ.get("IBKR_FAIL_ON")
    verdict_dir = tmp_path_factory.mktemp("ibkr-verdict")
    if fail_on:
        args += ["--verdict", str(verdict_dir), "--fail-on", fail_on]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # "ibkr-harness simulator listening on 127.0.0.1:PORT (…), control plane on http://…"
        found = re.search(r"listening on ([\d.]+):(\d+).*control plane on (http://\S+)", line)
        if not found:
            raise RuntimeError(f"simulator did not start: {line!r}")
        host, port, control = found.group(1), int(found.group(2)), found.group(3)
        subprocess.run([harness, "wait", "--host", host, "--port", str(port), "--timeout", "60"], check=True)
        yield {"host": host, "port": port, "control_url": control}
    finally:
        proc.terminate()  # SIGTERM: the simulator stops cleanly, frees its port, writes the verdict
        code = proc.wait(timeout=60)
    if fail_on and code == 1:
        pytest.fail(f"the gateway's verdict failed (--fail-on {fail_on}):\n{(verdict_dir / 'verdict.md').read_text()}")
