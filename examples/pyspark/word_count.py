"""The example app: counts words in a small built-in text and prints the top ones.

Run it through PlatySpark (see the README) or directly with spark-submit.
"""
import sys

from pyspark.sql import SparkSession

TEXT = """Spark as a service means a team sends its app to one API and gets back logs,
links and a final state, without owning a cluster. The platform picks the cluster,
ships the code, submits it, tracks it to the end and keeps the store small."""


def main(argv):
    top = int(argv[1]) if len(argv) > 1 else 5
    spark = SparkSession.builder.appName("platy-word-count").getOrCreate()
    words = (spark.sparkContext.parallelize(TEXT.split("\n"))
             .flatMap(lambda line: line.lower().replace(",", " ").replace(".", " ").split())
             .map(lambda word: (word, 1))
             .reduceByKey(lambda a, b: a + b))
    total = words.map(lambda kv: kv[1]).sum()
    print(f"words counted: {total}")
    for word, count in words.takeOrdered(top, key=lambda kv: (-kv[1], kv[0])):
        print(f"{word}\t{count}")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv)
