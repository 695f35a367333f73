"""Speed and memory measurements, run by `make bench`, never by the test suite."""
