"""Starts Spark, says so, then waits long enough to be killed."""
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("platy-sleepy").getOrCreate()
print("sleepy started", flush=True)
time.sleep(600)
