"""NUMBA_DISABLE_JIT=1, the usual way to debug numba code, must leave hamopt working."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Behaviour tests: what a user sees, on both paths (with the JIT off every
# kernel is its own Python function).
BEHAVIOUR = ["test_minimize.py", "test_outcomes.py", "test_scipy_compat.py",
             "test_validation.py", "test_bounds_and_polish.py", "test_restarts.py"]


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="already without JIT")
def test_behaviour_tests_pass_with_the_jit_disabled():
    here = Path(__file__).parent
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *[str(here / name) for name in BEHAVIOUR]],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
