"""
A small PySpark app with a dependency of its own (``tabulate``, from the run's requirements): the driver and the
executors both import it from the Python environment the platform built for the run.
"""
import sys

from pyspark.sql import SparkSession

import tabulate

TEXT = [
    "the platform creates the cluster",
    "the app runs on the cluster",
    "the cluster is terminated when the app ends",
]

spark = SparkSession.builder.appName("platy-top-words").getOrCreate()
top = int(sys.argv[1]) if len(sys.argv) > 1 else 3
lines = spark.sparkContext.parallelize(TEXT, 2)
# Executors import the requirement too: a missing environment fails here, not only on the driver.
versions = lines.map(lambda _: __import__("tabulate").__version__).distinct().collect()
counts = (lines.flatMap(str.split).map(lambda word: (word, 1)).reduceByKey(lambda a, b: a + b)
          .sortBy(lambda kv: (-kv[1], kv[0])).take(top))
print(tabulate.tabulate(counts, headers=["word", "count"]))
print(f"executors used tabulate {', '.join(versions)}")
spark.stop()
