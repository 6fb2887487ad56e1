"""Runs until killed (at most ten minutes): for tests that kill an app while it runs."""
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("platy-sleepy").getOrCreate()
print("sleeping until killed", flush=True)
deadline = time.time() + 600
while time.time() < deadline:
    time.sleep(1)
