package io.platyspark.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The PlatySpark API server: accepts apps, submits them and reports on them. */
@SpringBootApplication
public class SparkServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SparkServerApplication.class, args);
    }
}
