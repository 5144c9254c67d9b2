#!/usr/bin/env python3
"""Lays out the procfs case trees the rule tests run on (python3 make_cases.py, from this directory).

The line formats are those of this machine's kernel (6.18, x86_64: see ../procfs/real/), edited per
case; the real captures are copied where a case is exactly what was captured. Re-running rewrites
every generated case (not seed/, which is the founding case verbatim).
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "procfs", "real")

STATES = {"R": "R (running)", "S": "S (sleeping)", "D": "D (disk sleep)", "Z": "Z (zombie)",
          "T": "T (stopped)", "t": "t (tracing stop)", "I": "I (idle)"}
USER = 0x400000            # PF_RANDOMIZE, as every user task here
EXITED = 4227148           # flags of a real zombie on this machine (PF_EXITING among them)
EXITING = 0x400000 | 0x400 | 0x4   # PF_SIGNALED | PF_EXITING: inside do_exit after SIGKILL
KTHREAD = 2129984          # kthreadd's flags here (PF_KTHREAD among them)
SIGKILL = 1 << 8
SIGTERM = 1 << 14
SIGCHLD = 1 << 16
SIGSTOP = 1 << 18


def stat(pid, comm, state, ppid, flags=USER, threads=1, start=91894, exit_signal=17, utime=0, blkio=0,
         pgrp=None, sid=3757):
    zombie = state == "Z"
    f = [str(pid), "(" + comm + ")", state, ppid, pgrp or pid, sid, 0, -1, flags, 49, 0, 0, 0, utime, 0, 0, 0,
         20, 0, threads, 0, start, 0 if zombie else 2400256, 0 if zombie else 216, "18446744073709551615",
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, exit_signal, 1, 0, 0, blkio, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    return " ".join(str(x) for x in f) + "\n"


def status(name, state, tgid, pid, ppid, tracer=0, threads=1, sigpnd=0, shdpnd=0, sigblk=0, sigign=0,
           sigcgt=0, vol=1, nonvol=0, nstgid=None, nspid=None, vm=None, fdsize=64, kthread=0):
    zombie = state == "Z"
    vm = (not zombie and not kthread) if vm is None else vm
    nstgid = nstgid or [tgid]
    nspid = nspid or [pid]
    out = ["Name:\t" + name]
    if not zombie:
        out.append("Umask:\t0022")
    out += ["State:\t" + STATES[state], "Tgid:\t%d" % tgid, "Ngid:\t0", "Pid:\t%d" % pid, "PPid:\t%d" % ppid,
            "TracerPid:\t%d" % tracer, "Uid:\t0\t0\t0\t0", "Gid:\t0\t0\t0\t0",
            "FDSize:\t%d" % (0 if zombie else fdsize), "Groups:\t ",
            "NStgid:\t" + "\t".join(map(str, nstgid)), "NSpid:\t" + "\t".join(map(str, nspid)),
            "NSpgid:\t%d" % nstgid[-1], "NSsid:\t%d" % nstgid[-1], "Kthread:\t%d" % kthread]
    if vm:
        out += ["VmPeak:\t    2476 kB", "VmSize:\t    2476 kB", "VmLck:\t       0 kB", "VmPin:\t       0 kB",
                "VmHWM:\t    1472 kB", "VmRSS:\t    1472 kB", "RssAnon:\t     100 kB", "RssFile:\t    1372 kB",
                "RssShmem:\t       0 kB", "VmData:\t     224 kB", "VmStk:\t     132 kB", "VmExe:\t       4 kB",
                "VmLib:\t    1528 kB", "VmPTE:\t      40 kB", "VmSwap:\t       0 kB", "HugetlbPages:\t       0 kB",
                "CoreDumping:\t0", "THP_enabled:\t1", "untag_mask:\t0xffffffffffffffff"]
    out += ["Threads:\t%d" % threads, "SigQ:\t1/96364",
            "SigPnd:\t%016x" % sigpnd, "ShdPnd:\t%016x" % shdpnd, "SigBlk:\t%016x" % sigblk,
            "SigIgn:\t%016x" % sigign, "SigCgt:\t%016x" % sigcgt,
            "CapInh:\t0000000000000000", "CapPrm:\t000001fffeffffff", "CapEff:\t000001fffeffffff",
            "CapBnd:\t000001fffeffffff", "CapAmb:\t0000000000000000", "NoNewPrivs:\t0", "Seccomp:\t0",
            "Seccomp_filters:\t0", "Speculation_Store_Bypass:\tthread vulnerable",
            "SpeculationIndirectBranch:\tconditional enabled", "Cpus_allowed:\t3", "Cpus_allowed_list:\t0-1",
            "Mems_allowed:\t00000000,00000001", "Mems_allowed_list:\t0",
            "voluntary_ctxt_switches:\t%d" % vol, "nonvoluntary_ctxt_switches:\t%d" % nonvol]
    return "\n".join(out) + "\n"


def stack(*frames):
    return "".join("[<0>] " + f + "\n" for f in frames)


CG_HOST = "9:name=systemd:/user.slice/user-0.slice/session-3.scope\n0::/user.slice/user-0.slice/session-3.scope\n"
SYSCALL_PIPE_READ = "0 0x0 0x7ffc6bb1e9f0 0x10 0x7f8d3754db60 0x557cb7b87000 0x21001 0x7ffc6bb1e9c8 0x7f8d376362ad\n"
SYSCALL_WAIT4 = "61 0xffffffffffffffff 0x7ffd1c0a1e5c 0x0 0x0 0x0 0x0 0x7ffd1c0a1e38 0x7f1f5a6e1c3a\n"
SYSCALL_NONE = "-1 0x0 0x0\n"
STACK_PIPE = stack("anon_pipe_read+0x393/0x440", "vfs_read+0x397/0x3d0", "ksys_read+0xc3/0xf0",
                   "do_syscall_64+0x71/0x290", "entry_SYSCALL_64_after_hwframe+0x76/0x7e")
STACK_WAIT = stack("do_wait+0x5d/0x110", "kernel_wait4+0xaa/0x150", "__do_sys_wait4+0x94/0xa0",
                   "do_syscall_64+0x71/0x290", "entry_SYSCALL_64_after_hwframe+0x76/0x7e")
STACK_EPOLL = stack("ep_poll+0x3a1/0x3f0", "do_epoll_wait+0xa0/0xc0", "__x64_sys_epoll_wait+0x5b/0x100",
                    "do_syscall_64+0x71/0x290", "entry_SYSCALL_64_after_hwframe+0x76/0x7e")
STACK_SLEEP = stack("hrtimer_nanosleep+0xb5/0x160", "__x64_sys_clock_nanosleep+0xb5/0x100",
                    "do_syscall_64+0x71/0x290", "entry_SYSCALL_64_after_hwframe+0x76/0x7e")


class Tree:
    """One procfs root being written."""

    def __init__(self, path, uptime=5000.0):
        self.path = path
        os.makedirs(path, exist_ok=True)
        self.put("uptime", "%.2f %.2f\n" % (uptime, uptime * 1.7))
        self.put("loadavg", "1.00 0.52 0.20 2/254 9068\n")
        self.put("stat", "cpu  94694 0 21404 64002 1556 0 343 1174 0 0\nctxt 3230732\nbtime 1795712379\n"
                         "processes 116914\nprocs_running 2\nprocs_blocked 1\n")
        self.put("sys/kernel/hung_task_timeout_secs", "120\n")
        self.put("sys/kernel/pid_max", "32768\n")

    def put(self, rel, text):
        p = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="\n") as f:
            f.write(text)

    def task(self, tgid, tid, comm, state, ppid, st=None, stk="", wchan="0", syscall=None, cgroup=CG_HOST,
             flags=None, threads=1, start=91894, exit_signal=17, **kw):
        if flags is None:
            flags = EXITED if state == "Z" else USER
        if syscall is None:
            syscall = SYSCALL_NONE if state == "Z" else "running\n" if state == "R" else SYSCALL_PIPE_READ
        files = {
            "stat": stat(tid, comm, state, ppid, flags=flags, threads=threads, start=start, exit_signal=exit_signal),
            "status": st if st is not None else status(comm, state, tgid, tid, ppid, threads=threads, **kw),
            "stack": stk, "wchan": wchan, "syscall": syscall, "comm": comm + "\n"}
        for name, text in files.items():
            if text is None:
                continue
            self.put("%d/task/%d/%s" % (tgid, tid, name), text)
            if tid == tgid:
                self.put("%d/%s" % (tgid, name), text)
        if tid == tgid and cgroup is not None:
            self.put("%d/cgroup" % tgid, cgroup)
        return self

    def proc(self, pid, comm, state, ppid, **kw):
        return self.task(pid, pid, comm, state, ppid, **kw)

    def real(self, name, pid):
        """Copies a capture from ../procfs/real/NAME as PID (its task/ tree too, when captured)."""
        src = os.path.join(REAL, name)
        dst = os.path.join(self.path, str(pid))
        shutil.copytree(src, dst, dirs_exist_ok=True)
        return self


def fresh(name):
    p = os.path.join(HERE, name)
    shutil.rmtree(p, ignore_errors=True)
    return p


def samples(name, n, build, t0=5000.0, step=0.5):
    base = fresh(name)
    for i in range(n):
        build(Tree(os.path.join(base, "samples", str(i)), uptime=t0 + i * step), i)


def shell(t, pid, ppid=1, comm="bash"):
    return t.proc(pid, comm, "S", ppid, stk=STACK_WAIT, wchan="do_wait", syscall=SYSCALL_WAIT4,
                  sigcgt=0x4b817efb)


# ---- zombie-leader-live-threads: the real pthread_exit() capture --------------------------------
def pthread_exit():
    Tree(fresh("pthread-exit")).real("pthread-exit", 19523).real("sleeping", 18836)


# ---- unreaped-zombie: the real lazy parent and its zombie child ---------------------------------
def unreaped():
    Tree(fresh("unreaped")).real("sleeping", 19518).real("zombie", 19519)

    def later(keep_until):
        def build(t, i):
            t.real("sleeping", 19518)
            if i <= keep_until:
                t.real("zombie", 19519)
        return build
    # the parent reaps between sample 1 and 2: nothing to report
    samples("unreaped-then-reaped", 3, later(1))
    samples("unreaped-persistent", 3, later(2))


def unreaped_sigchld_ignored():
    t = Tree(fresh("unreaped-sigchld-ignored"))
    t.proc(3000, "daemon", "S", 1, stk=STACK_EPOLL, wchan="ep_poll", sigign=SIGCHLD)
    t.proc(3001, "helper", "Z", 3000)


# ---- zombie-leader-stuck-thread: FUSE read withheld, thread in D after SIGKILL ----------------
FUSE_READ = stack("request_wait_answer+0x141/0x280", "__fuse_simple_request+0xd6/0x290",
                  "fuse_simple_request+0x1a/0x30", "fuse_direct_io+0x2f6/0x6a0", "fuse_file_read_iter+0x12b/0x180",
                  "vfs_read+0x29d/0x3d0", "ksys_read+0xc3/0xf0", "do_syscall_64+0x71/0x290",
                  "entry_SYSCALL_64_after_hwframe+0x76/0x7e")


def leader_stuck_fuse():
    def build(t, i, progressing=False):
        shell(t, 4990)
        t.proc(4995, "fuse-server", "S", 4990, stk=STACK_PIPE, wchan="fuse_dev_do_read")
        t.task(5000, 5000, "fuse-victim", "Z", 4990, threads=2, shdpnd=SIGKILL)
        t.task(5000, 5001, "reader", "D", 4990, threads=2, flags=USER | 0x40, stk=FUSE_READ,
               wchan="request_wait_answer", syscall="0 0x3 0x7f2b8c000b70 0x1000 0x0 0x0 0x0 0x7f2b917fdd70 0x7f2b91a2f7da\n",
               shdpnd=SIGKILL, vol=12 + (i if progressing else 0), nonvol=2)
    build(Tree(fresh("leader-stuck-fuse")), 0)
    samples("leader-stuck-fuse-stuck", 3, build)
    samples("leader-stuck-fuse-progressing", 3, lambda t, i: build(t, i, progressing=True))


# ---- zombie-init-not-reaping: a container whose PID 1 does not reap ----------------------------
CID = "3f4e8c2a9b1d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
CG_CONTAINER = "9:name=systemd:/docker/%s\n0::/system.slice/docker-%s.scope\n" % (CID, CID)


def init_not_reaping():
    t = Tree(fresh("init-not-reaping"))
    t.proc(6900, "containerd-shim", "S", 1, stk=STACK_EPOLL, wchan="ep_poll", cgroup=CG_HOST)
    t.proc(7000, "node", "S", 6900, stk=STACK_EPOLL, wchan="ep_poll", nstgid=[7000, 1], nspid=[7000, 1],
           cgroup=CG_CONTAINER, sigcgt=0x4000 | 0x2)
    t.proc(7010, "sh", "Z", 7000, nstgid=[7010, 12], nspid=[7010, 12], cgroup=CG_CONTAINER)
    # negative: same container, but the zombie's parent is an ordinary process in it (pid 5 there)
    t = Tree(fresh("container-non-init-parent"))
    t.proc(7000, "tini", "S", 6900, stk=STACK_WAIT, wchan="do_wait", nstgid=[7000, 1], nspid=[7000, 1],
           cgroup=CG_CONTAINER)
    t.proc(7005, "node", "S", 7000, stk=STACK_EPOLL, wchan="ep_poll", nstgid=[7005, 5], nspid=[7005, 5],
           cgroup=CG_CONTAINER)
    t.proc(7010, "sh", "Z", 7005, nstgid=[7010, 12], nspid=[7010, 12], cgroup=CG_CONTAINER)


# ---- traced-zombie ------------------------------------------------------------------------------
def traced():
    t = Tree(fresh("traced-zombie"))
    t.proc(8000, "supervisor", "S", 1, stk=STACK_WAIT, wchan="do_wait", syscall=SYSCALL_WAIT4)
    t.proc(8020, "gdb", "T", 3757, stk=stack("do_signal_stop+0x10f/0x230", "get_signal+0x5a8/0x8e0"),
           wchan="do_signal_stop", syscall=SYSCALL_NONE)
    t.proc(8010, "victim", "Z", 8000, tracer=8020)
    # negative: traced by its own parent (strace -f style): the parent's wait() covers both
    t = Tree(fresh("traced-by-parent"))
    t.proc(8000, "strace", "S", 1, stk=STACK_PIPE, wchan="anon_pipe_read")
    t.proc(8010, "victim", "Z", 8000, tracer=8000)
    # negative: a traced task that is merely asleep
    t = Tree(fresh("traced-sleeping"))
    t.proc(8020, "strace", "S", 1, stk=STACK_WAIT, wchan="do_wait", syscall=SYSCALL_WAIT4)
    t.proc(8030, "server", "S", 1, stk=STACK_EPOLL, wchan="ep_poll", tracer=8020)
    # a traced zombie THREAD holding a zombie leader
    t = Tree(fresh("traced-zombie-thread"))
    t.proc(8020, "gdb", "S", 3757, stk=STACK_WAIT, wchan="do_wait", syscall=SYSCALL_WAIT4)
    t.task(8100, 8100, "app", "Z", 1, threads=2)
    t.task(8100, 8101, "app-worker", "Z", 1, threads=2, tracer=8020)


# ---- zombie-accumulation -----------------------------------------------------------------------
def accumulation():
    t = Tree(fresh("accumulation"))
    t.proc(9000, "forky", "S", 1, stk=STACK_SLEEP, wchan="hrtimer_nanosleep",
           syscall="230 0x0 0x0 0x7ffc5d1b2e40 0x7ffc5d1b2e40 0x0 0x0 0x7ffc5d1b2e28 0x7f3e0e8e57fa\n")
    for pid in range(9001, 9013):
        t.proc(pid, "job", "Z", 9000, start=90000 + pid)


# ---- hung-task: block I/O, stuck vs. progressing -----------------------------------------------
IO_STACK = stack("folio_wait_bit_common+0x13d/0x350", "folio_wait_writeback+0x2b/0x80",
                 "__filemap_fdatawait_range+0x8d/0xf0", "file_write_and_wait_range+0x8f/0xb0",
                 "ext4_sync_file+0x8a/0x380", "__x64_sys_fsync+0x3b/0x70", "do_syscall_64+0x71/0x290",
                 "entry_SYSCALL_64_after_hwframe+0x76/0x7e")
FSYNC = "74 0x3 0x0 0x0 0x0 0x0 0x0 0x7ffd2b1c8d88 0x7f6c1d2e4b97\n"


def hung():
    def io(state_of, switches_of):
        def build(t, i):
            shell(t, 5990)
            s = state_of(i)
            t.proc(6000, "dd", s, 5990, stk=IO_STACK if s == "D" else STACK_PIPE,
                   wchan="folio_wait_bit_common" if s == "D" else "anon_pipe_read",
                   syscall=FSYNC if s == "D" else SYSCALL_PIPE_READ, vol=switches_of(i), nonvol=4)
        return build
    samples("hung-stuck", 3, io(lambda i: "D", lambda i: 300))
    samples("hung-progressing", 3, io(lambda i: "D", lambda i: 300 + 17 * i))
    samples("io-seen-once", 3, io(lambda i: "D" if i == 0 else "S", lambda i: 300 + i))
    io(lambda i: "D", lambda i: 300)(Tree(fresh("io-single-sample")), 0)
    # uninterruptible mutex, stuck: hung-task, not killable-wait
    samples("mutex-stuck", 3, lambda t, i: t.proc(6100, "app", "D", 1, stk=stack(
        "__mutex_lock.constprop.0+0x1a2/0x5a0", "__mutex_lock_slowpath+0x13/0x20", "mutex_lock+0x3c/0x50",
        "chrdev_ioctl+0x2e/0x90 [mydrv]", "__x64_sys_ioctl+0x94/0xd0", "do_syscall_64+0x71/0x290",
        "entry_SYSCALL_64_after_hwframe+0x76/0x7e"), wchan="__mutex_lock.constprop.0", vol=40, nonvol=1))
    # kernel 3.10: no Ngid/NS*/Umask lines in status, full hex addresses and the sentinel in stack
    old_status = open(os.path.join(HERE, "..", "procfs", "handmade", "status-3.10")).read()
    old_stack = open(os.path.join(HERE, "..", "procfs", "handmade", "stack-3.10")).read()
    old_stack_unkillable = old_stack.replace("rpc_wait_bit_killable", "rpc_wait_bit_uninterruptible")
    samples("kernel-3.10-nfs-stuck", 3, lambda t, i: t.proc(2143, "nfsd", "D", 1987, st=old_status,
            stk=old_stack_unkillable, wchan="rpc_wait_bit_uninterruptible", syscall="4 0x7ffd2 0x7ffd3 0x0 0x0 0x0 0x0 0x7ffd 0x7f\n"))


# ---- kernel threads in D and I -----------------------------------------------------------------
FLUSH = stack("io_schedule+0x46/0x70", "bit_wait_io+0x11/0x60", "__wait_on_bit+0x46/0x140",
              "out_of_line_wait_on_bit+0x91/0xb0", "__block_write_full_folio+0x2e5/0x520",
              "writepage_cb+0x1d/0x70", "write_cache_pages+0x14b/0x3d0", "do_writepages+0xc7/0x190",
              "__writeback_single_inode+0x41/0x360", "writeback_sb_inodes+0x21d/0x4b0", "wb_writeback+0x8f/0x2e0",
              "wb_workfn+0xd0/0x460", "process_one_work+0x179/0x390", "worker_thread+0x251/0x360",
              "kthread+0xfa/0x240", "ret_from_fork+0x166/0x190", "ret_from_fork_asm+0x1a/0x30")
JBD2 = stack("jbd2_journal_commit_transaction+0x21c/0x1a70", "kjournald2+0xb1/0x280", "kthread+0xfa/0x240",
             "ret_from_fork+0x166/0x190", "ret_from_fork_asm+0x1a/0x30")


def kthreads():
    def kt(t, pid, comm, state, stk, wchan, vol):
        t.proc(pid, comm, state, 2, flags=KTHREAD, stk=stk, wchan=wchan, cgroup="0::/\n",
               syscall="0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0\n", kthread=1, vol=vol, nonvol=0)

    def build(t, i, stuck):
        t.real("kthread-kthreadd", 2).real("kthread-kworker-idle", 4)
        kt(t, 140, "kworker/u8:2+flush-8:0", "D", FLUSH, "bit_wait_io", 5000 + (0 if stuck else 31 * i))
        kt(t, 301, "jbd2/sda1-8", "D", JBD2, "jbd2_journal_commit_transaction", 700 + (0 if stuck else 5 * i))
    samples("kthreads-busy", 3, lambda t, i: build(t, i, False))
    samples("kthreads-stuck", 3, lambda t, i: build(t, i, True))
    Tree(fresh("kthreads-idle")).real("kthread-kthreadd", 2).real("kthread-kworker-idle", 4)


# ---- odd comms ------------------------------------------------------------------------------------
def comms():
    Tree(fresh("comm-sleeping")).real("comm-paren", 19520).real("comm-nested", 19521).real("comm-space", 19522)
    t = Tree(fresh("comm-paren"))
    t.real("comm-paren", 19520).real("comm-nested", 19521).real("comm-space", 19522)
    t.proc(19530, "z) (y", "Z", 19520)


# ---- stuck-in-exit: FLUSH withheld, the thread blocks inside its own exit -----------------------
FLUSH_EXIT = stack("request_wait_answer+0x1e8/0x280", "__fuse_simple_request+0xd6/0x290",
                   "fuse_flush+0x1a4/0x200", "filp_flush+0x34/0x80", "filp_close+0x12/0x30",
                   "put_files_struct+0x6f/0xe0", "do_exit+0x2d9/0xa90", "do_group_exit+0x30/0x80",
                   "get_signal+0x8d5/0x8e0", "arch_do_signal_or_restart+0x3b/0x240",
                   "irqentry_exit_to_user_mode+0x10d/0x1b0", "asm_sysvec_apic_timer_interrupt+0x16/0x20")


def stuck_in_exit():
    def build(t, i, progressing=False, stack_readable=True):
        shell(t, 6490)
        t.proc(6495, "fuse-server", "S", 6490, stk=STACK_PIPE, wchan="fuse_dev_do_read")
        t.proc(6500, "flusher", "D", 6490, flags=EXITING, stk=FLUSH_EXIT if stack_readable else None,
               wchan="request_wait_answer", syscall=None if not stack_readable else SYSCALL_NONE,
               shdpnd=SIGKILL, vm=False, fdsize=0, vol=9 + (3 * i if progressing else 0), nonvol=1)
    samples("exit-stuck", 3, build)
    samples("exit-progressing", 3, lambda t, i: build(t, i, progressing=True))
    # not root: no stack file, judged from wchan and PF_EXITING in stat
    samples("exit-stuck-no-stack", 3, lambda t, i: build(t, i, stack_readable=False))


# ---- killable-wait: vfork parent, killable NFS wait ---------------------------------------------
def killable():
    def vf(t, i):
        t.real("vfork-parent", 19524)
        t.proc(19526, "fx", "S", 19524, stk=STACK_SLEEP, wchan="hrtimer_nanosleep",
               syscall="230 0x0 0x0 0x7ffd3e23c7e0 0x7ffd3e23c7e0 0x0 0x0 0x7ffd3e23c7c8 0x7f6aac2fd7fa\n")
    samples("vfork", 3, vf)
    old = stack("wait_for_vfork_done+0x2f/0x40", "kernel_clone+0x1bf/0x3d0", "__do_sys_vfork+0x66/0x90",
                "do_syscall_64+0x5b/0xc0", "entry_SYSCALL_64_after_hwframe+0x63/0xcd")
    samples("vfork-5.15", 3, lambda t, i: t.proc(19524, "make", "D", 1, stk=old, wchan="wait_for_vfork_done",
                                                 syscall="58 0x0 0x0 0x0 0x0 0x0 0x0 0x7ffd 0x7f\n", vol=5))
    nfs = stack("rpc_wait_bit_killable+0x1e/0xa0 [sunrpc]", "__wait_on_bit+0x46/0x140",
                "out_of_line_wait_on_bit+0x91/0xb0", "__rpc_execute+0x108/0x3f0 [sunrpc]",
                "rpc_execute+0xb6/0xd0 [sunrpc]", "rpc_run_task+0x13d/0x180 [sunrpc]",
                "nfs4_call_sync_sequence+0x71/0xa0 [nfsv4]", "_nfs4_proc_getattr+0x104/0x140 [nfsv4]",
                "nfs4_proc_getattr+0x73/0x100 [nfsv4]", "__nfs_revalidate_inode+0x105/0x330 [nfs]",
                "nfs_getattr+0x2b5/0x470 [nfs]", "vfs_statx+0x97/0x120", "do_statx+0x6a/0xb0",
                "__x64_sys_statx+0x86/0xa0", "do_syscall_64+0x71/0x290", "entry_SYSCALL_64_after_hwframe+0x76/0x7e")
    samples("nfs-killable", 3, lambda t, i: t.proc(6600, "ls", "D", 1, stk=nfs, wchan="rpc_wait_bit_killable",
                                                   syscall="332 0xffffff9c 0x55d 0x900 0x7ff 0x7ffd 0x0 0x7ffd 0x7f\n",
                                                   vol=22, nonvol=0))


def main():
    pthread_exit()
    unreaped()
    unreaped_sigchld_ignored()
    leader_stuck_fuse()
    init_not_reaping()
    traced()
    accumulation()
    hung()
    kthreads()
    comms()
    stuck_in_exit()
    killable()


if __name__ == "__main__":
    main()
