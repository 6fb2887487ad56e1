"""Imported by main.py: proves the project archive reached Spark's Python path."""

TEXT = "to be or not to be that is the question to ask"


def top_words(spark, n):
    words = spark.sparkContext.parallelize(TEXT.split()).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b)
    return words.takeOrdered(n, key=lambda kv: (-kv[1], kv[0]))
