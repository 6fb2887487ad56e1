"""Prints numbered lines slowly, so a test can cut the connection while the CLI follows them."""
import sys
import time

for i in range(40):
    print(f"line {i}", flush=True)
    time.sleep(0.15)
print("done", file=sys.stderr, flush=True)
