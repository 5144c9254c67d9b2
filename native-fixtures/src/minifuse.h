/*
 * minifuse.h: a tiny FUSE server speaking the kernel protocol directly on /dev/fuse (no libfuse),
 * able to withhold the reply to one kind of request. Header only; used by the FUSE fixtures.
 *
 * The file system: a root directory holding one regular file "f" of MF_FSIZE bytes of zeros.
 *
 * The server runs in its own process (mf_server_run), forked by the fixture AFTER the victim (the
 * victim must not hold the /dev/fuse fd) and after unshare(CLONE_NEWNS), so the mount lives only
 * in the fixture's private mount namespace. Control pipe from the fixture: 'A' answers the
 * withheld requests and stops withholding; 'Q' (or EOF) makes the server exit, which closes
 * /dev/fuse and so aborts the connection. Notify pipe to the fixture: struct mf_note records.
 */
#ifndef LIMBO_MINIFUSE_H
#define LIMBO_MINIFUSE_H

#include "fixture.h"
#include <linux/fuse.h>
#include <sched.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/uio.h>

#define MF_FSIZE (64 * 1024)
#define MF_FILE_INO 2
#define MF_MAXHELD 32

struct mf_note {
    char tag;          /* 'M' mounted, 'E' error (arg = errno), 'W' withheld a request */
    char pad[3];
    uint32_t opcode;
    uint64_t unique;
    uint32_t pid;      /* fuse_in_header.pid of the withheld request */
    uint32_t arg;
};

struct mf_held {
    uint64_t unique;
    uint32_t opcode;
    uint32_t size;
    uint64_t offset;
};

struct minifuse {
    const char *mnt;
    int writeback;        /* negotiate FUSE_WRITEBACK_CACHE */
    int async_read;       /* negotiate FUSE_ASYNC_READ */
    int direct_io;        /* FOPEN_DIRECT_IO on open */
    uint32_t withhold;    /* opcode whose replies are withheld (0: none) */
    int fd;
    int ctl_in, note_out;
    struct mf_held held[MF_MAXHELD];
    int nheld;
    int dead;             /* connection gone (aborted / unmounted) */
    char *buf;
    size_t bufsz;
};

static void mf_note(struct minifuse *m, char tag, uint32_t opcode, uint64_t unique, uint32_t pid, uint32_t arg)
{
    struct mf_note n;
    memset(&n, 0, sizeof n);
    n.tag = tag;
    n.opcode = opcode;
    n.unique = unique;
    n.pid = pid;
    n.arg = arg;
    fx_write_full(m->note_out, &n, sizeof n);
}

static void mf_reply(struct minifuse *m, uint64_t unique, int error, const void *data, size_t len)
{
    struct fuse_out_header oh = { (uint32_t)(sizeof oh + (error ? 0 : len)), error, unique };
    struct iovec iov[2] = { { &oh, sizeof oh }, { (void *)data, error ? 0 : len } };
    ssize_t r = writev(m->fd, iov, (error || !len) ? 1 : 2);
    if (r < 0 && errno != ENOENT) /* ENOENT: the request was interrupted or aborted meanwhile */
        fx_log("reply to %llu failed: %s", (unsigned long long)unique, strerror(errno));
}

static void mf_attr(uint64_t ino, struct fuse_attr *a)
{
    memset(a, 0, sizeof *a);
    a->ino = ino;
    a->atime = a->mtime = a->ctime = 1700000000;
    a->uid = 0;
    a->gid = 0;
    a->blksize = 4096;
    if (ino == FUSE_ROOT_ID) {
        a->mode = S_IFDIR | 0755;
        a->nlink = 2;
        a->size = 4096;
    } else {
        a->mode = S_IFREG | 0666;
        a->nlink = 1;
        a->size = MF_FSIZE;
        a->blocks = MF_FSIZE / 512;
    }
}

static void mf_answer_held(struct minifuse *m, const struct mf_held *h)
{
    static char zeros[128 * 1024];
    if (h->opcode == FUSE_READ) {
        size_t n = h->size;
        if (h->offset >= MF_FSIZE) n = 0;
        else if (h->offset + n > MF_FSIZE) n = MF_FSIZE - h->offset;
        if (n > sizeof zeros) n = sizeof zeros;
        mf_reply(m, h->unique, 0, zeros, n);
    } else if (h->opcode == FUSE_WRITE) {
        struct fuse_write_out wo = { h->size, 0 };
        mf_reply(m, h->unique, 0, &wo, sizeof wo);
    } else {
        mf_reply(m, h->unique, 0, NULL, 0);
    }
}

static void mf_handle(struct minifuse *m, size_t len)
{
    struct fuse_in_header *ih = (struct fuse_in_header *)m->buf;
    void *arg = m->buf + sizeof *ih;
    if (len < sizeof *ih) return;
    uint32_t op = ih->opcode;
    fx_log("request op=%u unique=%llu nodeid=%llu pid=%u", op, (unsigned long long)ih->unique,
           (unsigned long long)ih->nodeid, ih->pid);

    if (op == FUSE_FORGET || op == FUSE_BATCH_FORGET || op == FUSE_INTERRUPT) return; /* never answered */

    if (m->withhold && op == m->withhold && m->nheld < MF_MAXHELD) {
        struct mf_held *h = &m->held[m->nheld++];
        h->unique = ih->unique;
        h->opcode = op;
        h->size = 0;
        h->offset = 0;
        if (op == FUSE_READ) {
            struct fuse_read_in *ri = arg;
            h->size = ri->size;
            h->offset = ri->offset;
        } else if (op == FUSE_WRITE) {
            struct fuse_write_in *wi = arg;
            h->size = wi->size;
            h->offset = wi->offset;
        }
        mf_note(m, 'W', op, ih->unique, ih->pid, 0);
        return;
    }

    switch (op) {
    case FUSE_INIT: {
        struct fuse_init_in *ii = arg;
        struct fuse_init_out io;
        memset(&io, 0, sizeof io);
        io.major = FUSE_KERNEL_VERSION;
        io.minor = FUSE_KERNEL_MINOR_VERSION;
        if (ii->major != FUSE_KERNEL_VERSION) {
            mf_reply(m, ih->unique, -EPROTO, NULL, 0);
            return;
        }
        io.max_readahead = ii->max_readahead;
        io.flags = FUSE_BIG_WRITES;
        if (m->writeback) io.flags |= FUSE_WRITEBACK_CACHE & ii->flags;
        if (m->async_read) io.flags |= FUSE_ASYNC_READ & ii->flags;
        io.max_background = 16;
        io.congestion_threshold = 12;
        io.max_write = 128 * 1024;
        io.time_gran = 1;
        io.max_pages = 32;
        mf_reply(m, ih->unique, 0, &io, sizeof io);
        mf_note(m, 'I', op, ih->unique, ih->pid, 0);
        return;
    }
    case FUSE_LOOKUP: {
        const char *name = arg;
        if (ih->nodeid != FUSE_ROOT_ID || strcmp(name, "f")) {
            mf_reply(m, ih->unique, -ENOENT, NULL, 0);
            return;
        }
        struct fuse_entry_out eo;
        memset(&eo, 0, sizeof eo);
        eo.nodeid = MF_FILE_INO;
        eo.generation = 1;
        eo.entry_valid = 3600;
        eo.attr_valid = 3600;
        mf_attr(MF_FILE_INO, &eo.attr);
        mf_reply(m, ih->unique, 0, &eo, sizeof eo);
        return;
    }
    case FUSE_GETATTR:
    case FUSE_SETATTR: {
        struct fuse_attr_out ao;
        memset(&ao, 0, sizeof ao);
        ao.attr_valid = 3600;
        mf_attr(ih->nodeid == FUSE_ROOT_ID ? FUSE_ROOT_ID : MF_FILE_INO, &ao.attr);
        mf_reply(m, ih->unique, 0, &ao, sizeof ao);
        return;
    }
    case FUSE_OPEN:
    case FUSE_OPENDIR: {
        struct fuse_open_out oo;
        memset(&oo, 0, sizeof oo);
        oo.fh = 1;
        if (op == FUSE_OPEN && m->direct_io) oo.open_flags = FOPEN_DIRECT_IO;
        mf_reply(m, ih->unique, 0, &oo, sizeof oo);
        return;
    }
    case FUSE_READ: {
        struct fuse_read_in *ri = arg;
        struct mf_held h = { ih->unique, op, ri->size, ri->offset };
        mf_answer_held(m, &h);
        return;
    }
    case FUSE_WRITE: {
        struct fuse_write_in *wi = arg;
        struct fuse_write_out wo = { wi->size, 0 };
        mf_reply(m, ih->unique, 0, &wo, sizeof wo);
        return;
    }
    case FUSE_READDIR:
        mf_reply(m, ih->unique, 0, NULL, 0);
        return;
    case FUSE_FLUSH:
    case FUSE_RELEASE:
    case FUSE_RELEASEDIR:
    case FUSE_FSYNC:
    case FUSE_FSYNCDIR:
    case FUSE_DESTROY:
        mf_reply(m, ih->unique, 0, NULL, 0);
        return;
    case FUSE_STATFS: {
        struct fuse_statfs_out so;
        memset(&so, 0, sizeof so);
        so.st.bsize = so.st.frsize = 4096;
        so.st.namelen = 255;
        mf_reply(m, ih->unique, 0, &so, sizeof so);
        return;
    }
    default:
        mf_reply(m, ih->unique, -ENOSYS, NULL, 0);
        return;
    }
}

/* The server process body. Never returns. */
static __attribute__((noreturn)) void mf_server_run(struct minifuse *m)
{
    fx_name = "minifuse";
    m->bufsz = 1024 * 1024 + 4096; /* >= max(8 KiB, header + max_write) */
    m->buf = malloc(m->bufsz);
    if (!m->buf) _exit(112);
    m->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (m->fd < 0) {
        mf_note(m, 'E', 0, 0, 0, (uint32_t)errno);
        _exit(112);
    }
    char opts[256];
    snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", m->fd);
    if (mount("limbo-fixture", m->mnt, "fuse.limbo", MS_NOSUID | MS_NODEV, opts) < 0) {
        mf_note(m, 'E', 0, 0, 0, (uint32_t)errno);
        _exit(112);
    }
    mf_note(m, 'M', 0, 0, 0, 0);
    for (;;) {
        struct pollfd p[2] = { { m->ctl_in, POLLIN, 0 }, { m->fd, POLLIN, 0 } };
        int n = poll(p, m->dead ? 1 : 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            _exit(113);
        }
        if (p[0].revents) {
            char c = 'Q';
            ssize_t r = read(m->ctl_in, &c, 1);
            if (r <= 0 || c == 'Q') _exit(0); /* closes /dev/fuse: aborts the connection */
            if (c == 'A') {
                for (int i = 0; i < m->nheld; i++) mf_answer_held(m, &m->held[i]);
                m->nheld = 0;
                m->withhold = 0;
            }
        }
        if (!m->dead && (p[1].revents & (POLLIN | POLLERR | POLLHUP))) {
            ssize_t r = read(m->fd, m->buf, m->bufsz);
            if (r < 0) {
                if (errno == EINTR || errno == EAGAIN || errno == ENOENT) continue;
                m->dead = 1; /* ENODEV / ECONNABORTED: unmounted or aborted */
                continue;
            }
            mf_handle(m, (size_t)r);
        }
    }
}

/* Connection id (major<<20 | minor of st_dev) of the mount at mnt, from /proc/self/mountinfo
 * (a stat() of the mountpoint would send GETATTR to our own server). 0 if not found. */
static unsigned mf_conn_id(const char *mnt)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) return 0;
    char line[4096];
    unsigned id = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned maj, min;
        char mp[PATH_MAX];
        if (sscanf(line, "%*d %*d %u:%u %*s %4095s", &maj, &min, mp) == 3 && !strcmp(mp, mnt))
            id = (maj << 20) | min; /* the last (topmost) mount wins */
    }
    fclose(f);
    return id;
}

/*
 * The fixture side: a private mount namespace, a mountpoint, fusectl. Call before any thread
 * exists (unshare(CLONE_NEWNS) must precede threads).
 */
struct mf_ctl {
    char mnt[64];
    char fusectl[64];
    int fusectl_mounted;
    pid_t server;
    int ctl_out;   /* to the server */
    int note_in;   /* from the server */
    unsigned conn;
};

static void mf_private_ns(struct mf_ctl *c)
{
    if (unshare(CLONE_NEWNS) < 0) fx_die("unshare(CLONE_NEWNS): %m");
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fx_die("make / private: %m");
    /* a tmpfs over /tmp in our namespace only: the mountpoint never exists on the host, so a
     * fixture killed outright leaves nothing behind */
    if (mount("limbo-fixture-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=1777") < 0)
        fx_die("tmpfs on /tmp (private): %m");
    snprintf(c->mnt, sizeof c->mnt, "/tmp/limbo-fuse-%d", (int)getpid());
    if (mkdir(c->mnt, 0755) < 0) fx_die("mkdir %s: %m", c->mnt);
    c->ctl_out = c->note_in = -1;
    c->server = 0;
}

/* Fork the server (after the victim). Waits until it has mounted. */
static void mf_start_server(struct mf_ctl *c, struct minifuse *m)
{
    int ctl[2], note[2];
    if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(note, O_CLOEXEC) < 0) fx_die("pipe: %m");
    m->mnt = c->mnt;
    pid_t pid = fx_fork();
    if (pid == 0) {
        close(ctl[1]);
        close(note[0]);
        m->ctl_in = ctl[0];
        m->note_out = note[1];
        mf_server_run(m);
    }
    close(ctl[0]);
    close(note[1]);
    c->server = pid;
    c->ctl_out = ctl[1];
    c->note_in = note[0];
    struct mf_note n;
    if (fx_read_full(c->note_in, &n, sizeof n, 10000) < 0) fx_die("FUSE server did not start");
    if (n.tag == 'E') {
        errno = (int)n.arg;
        fx_die("FUSE mount on %s: %m", c->mnt);
    }
    if (n.tag != 'M') fx_die("FUSE server: unexpected note '%c'", n.tag);
    c->conn = mf_conn_id(c->mnt);
    if (!c->conn) fx_die("cannot find the FUSE mount %s in mountinfo", c->mnt);
    /* fusectl, in our private namespace only, to reach connections/<id>/abort */
    snprintf(c->fusectl, sizeof c->fusectl, "/sys/fs/fuse/connections/%u", c->conn);
    if (access(c->fusectl, F_OK) != 0) {
        if (mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL) == 0) c->fusectl_mounted = 1;
    }
}

/* Wait for a server note with the given tag (skipping others, e.g. 'I'). */
static int mf_wait_note(struct mf_ctl *c, char tag, struct mf_note *out, int timeout_ms)
{
    long long deadline = fx_now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - fx_now_ms();
        if (left <= 0) return -1;
        struct mf_note n;
        if (fx_read_full(c->note_in, &n, sizeof n, (int)left) < 0) return -1;
        if (n.tag == tag) {
            if (out) *out = n;
            return 0;
        }
    }
}

/* Release: answer the withheld requests, or write 1 to the fusectl abort file. */
static int mf_release(struct mf_ctl *c, int abort)
{
    if (!abort) {
        char a = 'A';
        return c->ctl_out >= 0 ? fx_write_full(c->ctl_out, &a, 1) : -1;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/abort", c->fusectl);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fx_write_full(fd, "1", 1);
    close(fd);
    return r;
}

/* Stop the server (closing /dev/fuse aborts the connection), unmount, remove the mountpoint. */
static void mf_teardown(struct mf_ctl *c)
{
    if (c->ctl_out >= 0) {
        char q = 'Q';
        fx_write_full(c->ctl_out, &q, 1);
        close(c->ctl_out);
        c->ctl_out = -1;
    }
    if (c->server > 0) {
        if (fx_reap(c->server, 3000) < 0) {
            kill(c->server, SIGKILL);
            fx_reap(c->server, 3000);
        }
        c->server = 0;
    }
    umount2(c->mnt, MNT_DETACH);
    if (c->fusectl_mounted) umount2("/sys/fs/fuse/connections", MNT_DETACH);
    c->fusectl_mounted = 0;
    rmdir(c->mnt);
}

#endif
