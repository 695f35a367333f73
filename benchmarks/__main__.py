"""`make bench`: every benchmark, each in its own process so that memory figures are its own."""

import subprocess
import sys

BENCHMARKS = [
    "benchmarks.catalog_search",
    "benchmarks.pdf_render",
    "benchmarks.overview_rps",
    "benchmarks.overview_memory",
    "benchmarks.annex_throughput",
    "benchmarks.load",
    "benchmarks.readiness",
]

for module in sys.argv[1:] or BENCHMARKS:
    print(f"== {module}", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)  # noqa: S603 - our own modules
