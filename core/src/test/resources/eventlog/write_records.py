# Writes exactly N records (argv[2]) as parquet under argv[1] through a shuffle, then reads them back: the
# event log's summary must say N records written, read, shuffled.
import sys

from pyspark.sql import SparkSession

out, n = sys.argv[1], int(sys.argv[2])
spark = SparkSession.builder.getOrCreate()
spark.range(n).repartition(3).write.mode("overwrite").parquet(out)
assert spark.read.parquet(out).count() == n
spark.stop()
