import os

from hypothesis import settings

# Deterministic, deadline-free property tests in CI; random exploration locally.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=30)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
