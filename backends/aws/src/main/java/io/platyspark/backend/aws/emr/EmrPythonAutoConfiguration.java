package io.platyspark.backend.aws.emr;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The table of EMR releases' node Pythons ({@link EmrPythonProperties}), which the EMR cluster backend reads. */
@AutoConfiguration
@EnableConfigurationProperties(EmrPythonProperties.class)
public class EmrPythonAutoConfiguration {}
