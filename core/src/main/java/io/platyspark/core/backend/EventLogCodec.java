package io.platyspark.core.backend;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * How an event-log file is compressed, told by its name as Spark names it ({@code local-1.zstd},
 * {@code events_1_app.lz4}, {@code app.inprogress}): {@code spark.eventLog.compression.codec} adds its short name.
 * Everything here decodes as a stream, a block at a time, so a log of any size is read in fixed memory.
 */
public enum EventLogCodec {
    NONE,
    ZSTD,
    /** lz4-java's block stream ({@code LZ4BlockOutputStream}), which Spark's lz4 codec writes. */
    LZ4,
    /** Not a codec Spark writes by itself, but what copies of event logs are often squeezed with. */
    GZIP;

    static final String IN_PROGRESS = ".inprogress";

    /** The codec of a file named {@code name}; {@code null} when Spark wrote it with one not read here. */
    public static EventLogCodec ofName(String name) {
        String n = stripInProgress(name).toLowerCase(Locale.ROOT);
        if (n.endsWith(".zstd") || n.endsWith(".zst")) {
            return ZSTD;
        }
        if (n.endsWith(".lz4")) {
            return LZ4;
        }
        if (n.endsWith(".gz")) {
            return GZIP;
        }
        if (n.endsWith(".snappy") || n.endsWith(".lzf")) {
            return null;
        }
        return NONE;
    }

    static String stripInProgress(String name) {
        return name.endsWith(IN_PROGRESS) ? name.substring(0, name.length() - IN_PROGRESS.length()) : name;
    }

    /** The decoded content of {@code raw}; closing the result closes {@code raw}. */
    public InputStream decode(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, 64 * 1024);
        return switch (this) {
            case NONE -> in;
            case ZSTD -> new ZstdInputStream(in);
            case LZ4 -> new Lz4BlockInputStream(in);
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
        };
    }

    /**
     * lz4-java's framing: per block the magic {@code LZ4Block}, a token (method in the high nibble: 0x10 stored,
     * 0x20 LZ4), compressed and original length and a checksum (little-endian ints), then the data. An empty
     * block ends a stream; another stream may follow (Spark concatenates them).
     */
    static final class Lz4BlockInputStream extends InputStream {

        private static final byte[] MAGIC = "LZ4Block".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final int HEADER = MAGIC.length + 1 + 4 + 4 + 4;
        /** lz4-java's blocks are at most 32 MB; Spark's are 32 kB by default. */
        private static final int MAX_BLOCK = 1 << 25;

        private final InputStream in;
        private final Lz4Decompressor lz4 = new Lz4Decompressor();
        private final byte[] header = new byte[HEADER];
        private byte[] compressed = new byte[0];
        private byte[] block = new byte[0];
        private int position;
        private int limit;
        private boolean finished;

        Lz4BlockInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == limit) {
                if (finished || !nextBlock()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(block, position, b, off, n);
            position += n;
            return n;
        }

        private boolean nextBlock() throws IOException {
            int first = in.read();
            if (first < 0) {
                finished = true;
                return false;
            }
            header[0] = (byte) first;
            readFully(header, 1, HEADER - 1);
            if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IOException("not an lz4 block stream (bad magic)");
            }
            int method = header[MAGIC.length] & 0xf0;
            int compressedLength = intLe(MAGIC.length + 1);
            int originalLength = intLe(MAGIC.length + 5);
            if (compressedLength < 0
                    || originalLength < 0
                    || originalLength > MAX_BLOCK
                    || compressedLength > MAX_BLOCK) {
                throw new IOException("corrupt lz4 block header");
            }
            position = 0;
            limit = 0;
            if (originalLength == 0) {
                return true; // end of one stream; the next read looks for another
            }
            if (block.length < originalLength) {
                block = new byte[originalLength];
            }
            if (method == 0x10) {
                readFully(block, 0, originalLength);
            } else if (method == 0x20) {
                if (compressed.length < compressedLength) {
                    compressed = new byte[compressedLength];
                }
                readFully(compressed, 0, compressedLength);
                try {
                    int n = lz4.decompress(compressed, 0, compressedLength, block, 0, originalLength);
                    if (n != originalLength) {
                        throw new IOException("corrupt lz4 block: " + n + " bytes instead of " + originalLength);
                    }
                } catch (MalformedInputException e) {
                    throw new IOException("corrupt lz4 block: " + e.getMessage(), e);
                }
            } else {
                throw new IOException("unknown lz4 block method " + method);
            }
            limit = originalLength;
            return true;
        }

        private int intLe(int at) {
            return (header[at] & 0xff)
                    | (header[at + 1] & 0xff) << 8
                    | (header[at + 2] & 0xff) << 16
                    | (header[at + 3] & 0xff) << 24;
        }

        private void readFully(byte[] b, int off, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int n = in.read(b, off + done, len - done);
                if (n < 0) {
                    throw new EOFException("lz4 block cut short");
                }
                done += n;
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
