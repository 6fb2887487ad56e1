package io.platyspark.builder;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The app-builder: builds Python environments for apps (core's env logic) and serves them over REST. */
@SpringBootApplication
public class AppBuilderApplication {

    public static void main(String[] args) {
        SpringApplication.run(AppBuilderApplication.class, args);
    }
}
