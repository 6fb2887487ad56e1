package io.platyspark.core.backend;

import java.util.Locale;

/** The CPU architecture an environment is built for: x86_64, or aarch64 for Graviton clusters. */
public enum TargetPlatform {
    X86_64("manylinux2014_x86_64"),
    AARCH64("manylinux2014_aarch64");

    private final String wheelTag;

    TargetPlatform(String wheelTag) {
        this.wheelTag = wheelTag;
    }

    /** pip's {@code --platform} for binary wheels of this architecture. */
    public String wheelTag() {
        return wheelTag;
    }

    /** The builder's own architecture. */
    public static TargetPlatform current() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.contains("aarch64") || arch.contains("arm64") ? AARCH64 : X86_64;
    }

    public static TargetPlatform parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "x86_64", "amd64", "x86" -> X86_64;
            case "aarch64", "arm64", "graviton" -> AARCH64;
            default -> throw new IllegalArgumentException("unknown platform '" + value + "': use x86_64 or aarch64");
        };
    }
}
