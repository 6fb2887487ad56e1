"""A small PySpark project in several files: shipped by LocalLocation as main.py plus a zipped --py-files archive."""
import sys

import tabulate
from pyspark.sql import SparkSession
from wordtools.count import top_words

spark = SparkSession.builder.appName("platy-airflow-project").getOrCreate()
print(f"shuffle partitions: {spark.conf.get('spark.sql.shuffle.partitions')}")
print(f"tabulate {tabulate.__version__}")  # from the app's environment, built from requirements.txt
for word, count in top_words(spark, int(sys.argv[1]) if len(sys.argv) > 1 else 3):
    print(f"top word: {word} {count}")
spark.stop()
