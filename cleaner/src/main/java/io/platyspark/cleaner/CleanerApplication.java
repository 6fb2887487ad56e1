package io.platyspark.cleaner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Keeps the store small: runs core's retention clean-up on a schedule. */
@SpringBootApplication
public class CleanerApplication {

    public static void main(String[] args) {
        SpringApplication.run(CleanerApplication.class, args);
    }
}
