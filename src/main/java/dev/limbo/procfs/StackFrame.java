package dev.limbo.procfs;

/**
 * One line of /proc/PID/stack, e.g. {@code [<0>] vhost_dev_cleanup+0x290/0x2c0 [vhost]}.
 * offset/size are -1 when the line has none; module is null for built-in code; address is the
 * hex text between {@code [<} and {@code >]} ("0" on kernels that hide it).
 */
public record StackFrame(String function, long offset, long size, String module, String address, String line) {
    @Override
    public String toString() {
        return module == null ? function : function + " [" + module + "]";
    }
}
