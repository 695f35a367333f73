"""`make bench`: every benchmark, each in its own process so that memory figures are its own."""

import subprocess
import sys

BENCHMARKS = [
    "benchmarks.catalog_search",
    "benchmarks.catalog_data_files",
    "benchmarks.pdf_render",
    "benchmarks.overview_rps",
    "benchmarks.annex_throughput",
    "benchmarks.large_network",
    "benchmarks.load",
    "benchmarks.readiness",
]

for module in sys.argv[1:] or BENCHMARKS:
    print(f"== {module}", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)  # noqa: S603 - our own modules
