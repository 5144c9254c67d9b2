// SPDX-License-Identifier: GPL-2.0
/*
 * memory: the seed case's character device, for reproducing "zombie leader + D-state thread".
 *
 * /dev/memory (a misc device). read() sleeps in wait_event(), that is TASK_UNINTERRUPTIBLE:
 * neither SIGKILL nor anything else wakes it, exactly like a driver waiting for hardware.
 * It returns 0 (end of file) once released. Released by:
 *   - write() of anything to /dev/memory, or
 *   - ioctl(fd, MEMORY_IOC_RELEASE)  (_IO('M', 1)).
 * A release wakes every reader sleeping at that moment; a later read() sleeps again until the
 * next release. ioctl(fd, MEMORY_IOC_WAITERS) (_IO('M', 2)) returns how many readers sleep now.
 * Unloading the module is impossible while a reader holds the device open (module refcount).
 */
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/wait.h>

#define MEMORY_IOC_RELEASE _IO('M', 1)
#define MEMORY_IOC_WAITERS _IO('M', 2)

static DECLARE_WAIT_QUEUE_HEAD(memory_wq);
static atomic_long_t memory_generation = ATOMIC_LONG_INIT(0);
static atomic_t memory_waiters = ATOMIC_INIT(0);

static void memory_release_waiters(void)
{
	atomic_long_inc(&memory_generation);
	wake_up_all(&memory_wq);
}

static noinline ssize_t memory_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	long gen = atomic_long_read(&memory_generation);

	atomic_inc(&memory_waiters);
	/* uninterruptible on purpose: this is the D state the fixture reproduces */
	wait_event(memory_wq, atomic_long_read(&memory_generation) != gen);
	atomic_dec(&memory_waiters);
	return 0;
}

static ssize_t memory_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	memory_release_waiters();
	return len;
}

static long memory_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case MEMORY_IOC_RELEASE:
		memory_release_waiters();
		return 0;
	case MEMORY_IOC_WAITERS:
		return atomic_read(&memory_waiters);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations memory_fops = {
	.owner = THIS_MODULE,
	.read = memory_read,
	.write = memory_write,
	.unlocked_ioctl = memory_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice memory_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "memory",
	.fops = &memory_fops,
	.mode = 0666,
};

static int __init memory_init(void)
{
	return misc_register(&memory_dev);
}

static void __exit memory_exit(void)
{
	misc_deregister(&memory_dev);
}

module_init(memory_init);
module_exit(memory_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("limbo fixture: /dev/memory, whose read() sleeps uninterruptibly until released");
