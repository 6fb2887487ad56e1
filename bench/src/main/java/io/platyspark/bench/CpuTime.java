package io.platyspark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time (user and system, with every thread's) that processes have used, read from Linux's {@code /proc}; NaN
 * where there is none. A rate on a loaded machine says little without where the CPU went.
 */
final class CpuTime {

    /** Linux's USER_HZ: {@code /proc} counts CPU time in ticks of 1/100 s on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private static final Path PROC = Path.of("/proc");

    private CpuTime() {}

    /** Seconds of CPU the process has used so far. */
    static double ofProcess(long pid) {
        String stat = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
        return stat == null ? Double.NaN : seconds(stat);
    }

    /** Seconds of CPU used so far by every live process of this name (PostgreSQL's are all "postgres"). */
    static double ofCommand(String name) {
        if (!Files.isDirectory(PROC)) {
            return Double.NaN;
        }
        double total = 0;
        try (Stream<Path> entries = Files.list(PROC)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat = read(dir.resolve("stat"));
                if (stat != null && name.equals(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) {
                    total += seconds(stat);
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return total;
    }

    /** utime and stime: the 14th and 15th fields, counted after the command name, which may hold spaces. */
    private static double seconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null; // ended meanwhile, or no /proc
        }
    }
}
