import ctypes, os, subprocess, time, shutil, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
OUT = sys.argv[1]
FILES = ["stat", "status", "stack", "wchan", "syscall", "comm"]
def rd(p):
    try:
        with open(p, "rb") as f: return f.read()
    except OSError as e: return None
def save_task(src, dst):
    os.makedirs(dst, exist_ok=True)
    for f in FILES:
        d = rd(f"{src}/{f}")
        if d is not None:
            open(f"{dst}/{f}", "wb").write(d)
def save_proc(pid, name, tree=False):
    dst = f"{OUT}/{name}"
    save_task(f"/proc/{pid}", dst)
    d = rd(f"/proc/{pid}/cgroup")
    if d is not None: open(f"{dst}/cgroup", "wb").write(d)
    if tree:
        for tid in os.listdir(f"/proc/{pid}/task"):
            save_task(f"/proc/{pid}/task/{tid}", f"{dst}/task/{tid}")
    return pid
procs = []
try:
    pid_self = os.getpid()
    spin = subprocess.Popen(["./fx", "spin"]); procs.append(spin)
    z = subprocess.Popen(["./fx", "zombie"], stdin=subprocess.PIPE, stdout=subprocess.PIPE); procs.append(z)
    zchild = int(z.stdout.readline())
    c1 = subprocess.Popen(["./fx", "comm", "a) b"], stdin=subprocess.PIPE); procs.append(c1)
    c2 = subprocess.Popen(["./fx", "comm", "x (y) z)"], stdin=subprocess.PIPE); procs.append(c2)
    c3 = subprocess.Popen(["./fx", "comm", "sp ace"], stdin=subprocess.PIPE); procs.append(c3)
    pt = subprocess.Popen(["./fx", "ptexit"], stdin=subprocess.PIPE); procs.append(pt)
    vf = subprocess.Popen(["./fx", "vfork"]); procs.append(vf)
    time.sleep(0.5)
    names = {}
    names["running"] = save_proc(spin.pid, "running")
    names["sleeping"] = save_proc(z.pid, "sleeping")
    names["zombie"] = save_proc(zchild, "zombie")
    names["comm-paren"] = save_proc(c1.pid, "comm-paren")
    names["comm-nested"] = save_proc(c2.pid, "comm-nested")
    names["comm-space"] = save_proc(c3.pid, "comm-space")
    names["pthread-exit"] = save_proc(pt.pid, "pthread-exit", tree=True)
    names["vfork-parent"] = save_proc(vf.pid, "vfork-parent")
    names["kthreadd"] = save_proc(2, "kthread-kthreadd")
    for p in sorted(int(x) for x in os.listdir("/proc") if x.isdigit()):
        c = (rd(f"/proc/{p}/comm") or b"").decode()
        s = rd(f"/proc/{p}/stat") or b""
        if c.startswith("kworker/") and b") I " in s:
            names["kworker"] = save_proc(p, "kthread-kworker-idle"); break
    for f in ["stat", "loadavg", "uptime", "self/mountinfo", "self/cgroup", "sys/kernel/hung_task_timeout_secs", "sys/kernel/pid_max"]:
        d = rd(f"/proc/{f}")
        dst = f"{OUT}/top/" + f.replace("self/", "")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "wb").write(d)
    print(names)
finally:
    for p in procs:
        if p.stdin: p.stdin.close()
    spin.kill()
    for p in procs:
        try: p.wait(timeout=10)
        except Exception: p.kill(); p.wait()
    # reap anything reparented to us
    while True:
        try:
            r = os.waitpid(-1, os.WNOHANG)
            if r == (0, 0): time.sleep(0.1); continue
        except ChildProcessError: break
