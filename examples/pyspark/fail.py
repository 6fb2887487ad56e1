"""An app that fails on purpose, to show how a failure reaches the API: state FAILED and the error in its logs."""
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("platy-fail").getOrCreate()
rows = spark.range(3).count()
print(f"counted {rows} rows before failing")
raise ValueError("the input table is empty: nothing to aggregate")
