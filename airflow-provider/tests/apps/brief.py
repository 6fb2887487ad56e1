"""A short app that keeps running for a few seconds, so the platform surely sees it RUNNING with its Spark UI."""
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("platy-brief").getOrCreate()
print(f"rows: {spark.range(10).count()}", flush=True)
time.sleep(6)
spark.stop()
