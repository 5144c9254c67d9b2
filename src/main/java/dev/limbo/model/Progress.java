package dev.limbo.model;

/** Whether a D task made progress across samples (khungtaskd's test: nvcsw + nivcsw). */
public enum Progress {
    /** Context switches unchanged across every sample: not progressing. */
    STUCK,
    /** Context switches changed, or it left D: ordinary I/O. */
    PROGRESSING,
    /** Seen once (or switch counts unreadable): progress cannot be judged. */
    UNKNOWN
}
