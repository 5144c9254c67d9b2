package dev.limbo.procfs;

/**
 * Every state letter /proc can report, 3.10 to 6.x. 3.10 reports R S D T t Z X (and x K W P only
 * in sysrq output); 4.14+ reports R S D T t X Z P I. Anything else maps to {@link #UNKNOWN}.
 */
public enum TaskState {
    RUNNING('R', "running"),
    SLEEPING('S', "sleeping"),
    DISK_SLEEP('D', "disk sleep"),
    STOPPED('T', "stopped"),
    TRACING_STOP('t', "tracing stop"),
    DEAD('X', "dead"),
    DEAD_OLD('x', "dead"),
    ZOMBIE('Z', "zombie"),
    PARKED('P', "parked"),
    IDLE('I', "idle"),
    WAKEKILL('K', "wakekill"),
    WAKING('W', "waking"),
    UNKNOWN('?', "unknown");

    private final char letter;
    private final String label;

    TaskState(char letter, String label) {
        this.letter = letter;
        this.label = label;
    }

    public char letter() {
        return letter;
    }

    public String label() {
        return label;
    }

    public static TaskState of(char c) {
        switch (c) {
            case 'R': return RUNNING;
            case 'S': return SLEEPING;
            case 'D': return DISK_SLEEP;
            case 'T': return STOPPED;
            case 't': return TRACING_STOP;
            case 'X': return DEAD;
            case 'x': return DEAD_OLD;
            case 'Z': return ZOMBIE;
            case 'P': return PARKED;
            case 'I': return IDLE;
            case 'K': return WAKEKILL;
            case 'W': return WAKING;
            default: return UNKNOWN;
        }
    }

    /** Uninterruptible as /proc shows it: D (TASK_KILLABLE also shows as D). */
    public boolean isUninterruptible() {
        return this == DISK_SLEEP;
    }

    public boolean isZombie() {
        return this == ZOMBIE;
    }

    public boolean isDead() {
        return this == ZOMBIE || this == DEAD || this == DEAD_OLD;
    }
}
