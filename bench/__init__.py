"""The load benchmark (``bench/run``): production-like settings, a ceiling view and the run script."""
