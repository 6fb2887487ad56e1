"""A PySpark app that needs a package the cluster does not have: its Python environment brings it
(submit it with requirements from requirements.txt)."""
from pyspark.sql import SparkSession
from tabulate import tabulate  # only in the app's environment


def describe(n):
    import tabulate as t  # imported on the executors too: the environment reaches them
    return f"{n}:{t.__version__}"


spark = SparkSession.builder.appName("platy-with-deps").getOrCreate()
rows = spark.sparkContext.parallelize(range(4), 2).map(describe).collect()
print(tabulate([r.split(":") for r in rows], headers=["n", "tabulate on executor"]))
print(f"environment ok: {len(rows)} rows")
spark.stop()
