// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file device.hpp
 * @brief kstd::misc_device: a /dev node (misc character device, dynamic
 *        minor) whose open/read/write/ioctl/poll are typed members of a
 *        per-open-file class; typed ioctl numbers.
 *
 * A device is registered for a context object (the module's state, any
 * type Ctx) and a per-open type F; each open() of /dev/NAME makes one F,
 * each last close() destroys it.  F has
 *
 *     static kstd::result<kstd::unique_ptr<F>> open(Ctx &ctx, const kstd::open_info &info);
 *
 * and any of (the kernel's default applies to those it lacks: read and
 * write fail with EINVAL, ioctl with ENOTTY, poll reports readable and
 * writable)
 *
 *     kstd::result<kstd::size_t> read(kstd::user_writer &out, kstd::io_request &io);
 *     kstd::result<kstd::size_t> write(kstd::user_reader &in, kstd::io_request &io);
 *     kstd::result<long> ioctl(kstd::ioctl_arg &arg);
 *     unsigned int poll(kstd::poll_table &pt);   // KSTD_POLL* bits
 *
 * Which ones exist is decided at compile time (a constant operation table
 * per F, no virtual functions).  An error result is the errno user space
 * sees.  read() gets a writer bounded by the caller's buffer and write() a
 * reader bounded by its data (<kstd/user_span.hpp>: fault-checked, each
 * byte copied once); returning 0 from read() means end of file.
 *
 * @code
 * struct counter_dev {                            // the module's state
 *         kstd::atomic<long> opens{0};
 * };
 * struct counter_file {                           // one per open()
 *         counter_dev &dev;
 *         static constexpr auto get = kstd::ioctl::ior<long>('k', 1);
 *
 *         static kstd::result<kstd::unique_ptr<counter_file>> open(counter_dev &d,
 *                                                                 const kstd::open_info &)
 *         {
 *                 d.opens.fetch_add(1);
 *                 return kstd::make_unique<counter_file>(kstd::gfp::kernel_account, d);
 *         }
 *         kstd::result<long> ioctl(kstd::ioctl_arg &arg)
 *         {
 *                 if (arg.cmd() != get)
 *                         return kstd::error::notty();
 *                 KSTD_TRY(arg.put(get, dev.opens.load_relaxed()));
 *                 return 0;
 *         }
 * };
 * counter_dev state;
 * auto dev = kstd::misc_device<counter_file>::create("kcounter", 0600, state);
 * @endcode
 *
 * Lifetime.  The file operations belong to the module (THIS_MODULE), so an
 * open file pins it: rmmod waits for (refuses while) files are open.  The
 * destructor deregisters the device (no new opens) and then waits until
 * every file opened on it has been closed, so Ctx may be destroyed right
 * after it (declare the device after the context it serves).  An F may
 * keep a reference to Ctx.
 *
 * Permissions.  @p mode is the mode of the node devtmpfs creates (owner
 * root): 0600 for root only, 0666 for everyone.  The mode only says who
 * may open; a command that does something privileged (change settings,
 * clear data) checks the caller's capability itself, in the handler, with
 * kstd::capable(KSTD_CAP_SYS_ADMIN) (or the capability the kernel's own
 * interface for that action requires), and fails with -EPERM.
 *
 * Context: create(), the destructor and every handler run in process
 * context and may sleep.  F::open() runs under the kernel's misc_mtx (keep
 * it short; it must not register or remove a misc device).  The handlers
 * of one open file may run concurrently with each other (two threads
 * sharing the fd) and with other open files: lock what they share.
 */
#ifndef KSTD_DEVICE_HPP
#define KSTD_DEVICE_HPP

#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/user_span.hpp>
#include <kstd/utility.hpp>
#include <kstd/wait.hpp>

namespace kstd {

/**
 * capable(): does the calling task hold capability @p cap (KSTD_CAP_SYS_ADMIN,
 * KSTD_CAP_NET_ADMIN, ...) in the initial user namespace?  Sets the task's
 * "used privilege" flag and audits a denial, as the kernel's own checks do.
 * Process context (it checks current's credentials); atomic OK.
 */
[[nodiscard]] inline bool capable(int cap) noexcept
{
	return kstd_capable(cap) > 0;
}

/** How the file was opened (F::open() gets it). */
struct open_info {
	/** open(2)'s flags. */
	unsigned int flags;
	/** Opened for reading (O_RDONLY or O_RDWR)? */
	[[nodiscard]] constexpr bool can_read() const noexcept
	{
		return (flags & KSTD_O_ACCMODE) != KSTD_O_WRONLY;
	}
	/** Opened for writing (O_WRONLY or O_RDWR)? */
	[[nodiscard]] constexpr bool can_write() const noexcept
	{
		return (flags & KSTD_O_ACCMODE) == KSTD_O_WRONLY ||
		       (flags & KSTD_O_ACCMODE) == KSTD_O_RDWR;
	}
};

/** What a read() or write() handler gets besides its span. */
struct io_request {
	/** The file position (the kernel's iocb->ki_pos): advance it if it means something. */
	long long &pos;
	/** O_NONBLOCK: return -EAGAIN rather than sleep for data or room. */
	bool nonblocking;
};

/** poll()'s table: register the wait queues whose wake-ups change the mask. */
class poll_table {
public:
	/** Wrap the kernel's (kstd does this for poll()). */
	poll_table(::file *file, ::poll_table_struct *pt) noexcept : file_(file), pt_(pt) {}
	poll_table(const poll_table &) = delete;
	poll_table &operator=(const poll_table &) = delete;

	/**
	 * poll_wait(): a wake_up() on @p wq re-polls this file.  Register
	 * before testing the state the mask is computed from.  The queue
	 * must outlive the open file (put it in Ctx, not in a temporary).
	 */
	void wait(wait_queue &wq) noexcept { kstd_poll_wait(file_, wq.raw(), pt_); }

private:
	::file *file_;
	::poll_table_struct *pt_;
};

/** ioctl command numbers, encoded as the kernel's _IO/_IOR/_IOW/_IOWR do. */
namespace ioctl {

/** A command number whose argument is one @p T (what the handler's arg.get/put take). */
template <class T>
struct code {
	/** The number user space passes. */
	unsigned int value;
	/** As a `case` label or a comparison. */
	constexpr operator unsigned int() const noexcept { return value; }
};

/** _IOC(): direction, type (the driver's letter), number, argument size. */
constexpr unsigned int encode(unsigned int dir, u8 type, u8 nr, size_t size) noexcept
{
	return (dir << KSTD_IOC_DIRSHIFT) |
	       (static_cast<unsigned int>(type) << KSTD_IOC_TYPESHIFT) |
	       (static_cast<unsigned int>(nr) << KSTD_IOC_NRSHIFT) |
	       (static_cast<unsigned int>(size) << KSTD_IOC_SIZESHIFT);
}
/** _IO(): a command without an argument struct. */
constexpr unsigned int io(u8 type, u8 nr) noexcept
{
	return encode(KSTD_IOC_NONE, type, nr, 0);
}
/** _IOR(): the kernel writes a @p T to user space. */
template <class T>
constexpr code<T> ior(u8 type, u8 nr) noexcept
{
	static_assert(sizeof(T) <= KSTD_IOC_SIZEMASK, "ioctl argument too big");
	return {encode(KSTD_IOC_READ, type, nr, sizeof(T))};
}
/** _IOW(): the kernel reads a @p T from user space. */
template <class T>
constexpr code<T> iow(u8 type, u8 nr) noexcept
{
	static_assert(sizeof(T) <= KSTD_IOC_SIZEMASK, "ioctl argument too big");
	return {encode(KSTD_IOC_WRITE, type, nr, sizeof(T))};
}
/** _IOWR(): both, read first. */
template <class T>
constexpr code<T> iowr(u8 type, u8 nr) noexcept
{
	static_assert(sizeof(T) <= KSTD_IOC_SIZEMASK, "ioctl argument too big");
	return {encode(KSTD_IOC_READ | KSTD_IOC_WRITE, type, nr, sizeof(T))};
}

} // namespace ioctl

/**
 * An ioctl's command and argument.  The argument is a user address (for
 * the commands made with ioctl::ior/iow/iowr) or a plain number (value()),
 * as the command defines; it is read and written only through get()/put()
 * or span(), bounded and fault-checked.
 */
class ioctl_arg {
public:
	/** Wrap (kstd does this for ioctl()). */
	ioctl_arg(unsigned int cmd, unsigned long arg) noexcept : cmd_(cmd), arg_(arg) {}
	ioctl_arg(const ioctl_arg &) = delete;
	ioctl_arg &operator=(const ioctl_arg &) = delete;

	/** The command number. */
	[[nodiscard]] unsigned int cmd() const noexcept { return cmd_; }
	/** The argument as a number (for commands that take a value, not a pointer). */
	[[nodiscard]] unsigned long value() const noexcept { return arg_; }
	/**
	 * Read the command's @p T from user space: -ENOTTY if cmd() is not
	 * @p c, -EFAULT on a fault.  May sleep.
	 */
	template <class T>
	[[nodiscard]] result<T> get(ioctl::code<T> c) const noexcept
	{
		if (cmd_ != c.value)
			return error::notty();
		return user_reader::from_user(arg_, sizeof(T)).template read<T>();
	}
	/**
	 * Write the command's @p T to user space: -ENOTTY if cmd() is not
	 * @p c, -EFAULT on a fault.  May sleep.
	 */
	template <class T>
	[[nodiscard]] result<void> put(ioctl::code<T> c, const T &v) const noexcept
	{
		if (cmd_ != c.value)
			return error::notty();
		return user_writer::from_user(arg_, sizeof(T)).write(v);
	}
	/** The argument as @p len bytes of user memory (for variable-size arguments). */
	[[nodiscard]] user_span span(size_t len) const noexcept { return user_span(arg_, len); }

private:
	unsigned int cmd_;
	unsigned long arg_;
};

namespace detail {

template <class F>
concept misc_reads = requires(F &f, user_writer &w, io_request &io)
{
	requires is_same_v<decltype(f.read(w, io)), result<size_t>>;
};
template <class F>
concept misc_writes = requires(F &f, user_reader &r, io_request &io)
{
	requires is_same_v<decltype(f.write(r, io)), result<size_t>>;
};
template <class F>
concept misc_ioctls = requires(F &f, ioctl_arg &a)
{
	requires is_same_v<decltype(f.ioctl(a)), result<long>>;
};
template <class F>
concept misc_polls = requires(F &f, kstd::poll_table &pt)
{
	requires is_same_v<decltype(f.poll(pt)), unsigned int>;
};

template <class F, class Ctx>
struct misc_dispatch {
	static_assert(
		requires(Ctx & c, const open_info &i) {
			requires is_same_v<decltype(F::open(c, i)), result<unique_ptr<F>>>;
		},
		"a misc_device's per-open type F needs "
		"static kstd::result<kstd::unique_ptr<F>> open(Ctx &, const kstd::open_info &)");

	static int open(void *ctx, unsigned int flags, void **state) noexcept
	{
		// SAFETY: ctx is the Ctx that create() registered with this table;
		// the device's destructor waits for every open file, so it is alive.
		Ctx &c = *static_cast<Ctx *>(ctx);
		result<unique_ptr<F>> r = F::open(c, open_info{flags});
		if (!r)
			return r.to_errno();
		if (!r.value())
			return -KSTD_ENOMEM;
		// SAFETY: the F is adopted by the open file and deleted by release().
		*state = r.value().release();
		return 0;
	}
	static void release(void *state) noexcept
	{
		// SAFETY: state is what open() released from a unique_ptr<F>.
		unique_ptr<F> f(static_cast<F *>(state));
	}
	static F &self(void *state) noexcept
	{
		// SAFETY: state is open()'s F, alive until release(), which the VFS
		// calls only after every other operation on the file has returned.
		return *static_cast<F *>(state);
	}
	static long read(void *state, ::iov_iter *to, long long *pos, int nonblock) noexcept
	{
		user_writer w = user_writer::from_iter(to);
		io_request io{*pos, nonblock != 0};
		result<size_t> r = self(state).read(w, io);
		return r ? static_cast<long>(r.value()) : r.to_errno();
	}
	static long write(void *state, ::iov_iter *from, long long *pos, int nonblock) noexcept
	{
		user_reader rd = user_reader::from_iter(from);
		io_request io{*pos, nonblock != 0};
		result<size_t> r = self(state).write(rd, io);
		return r ? static_cast<long>(r.value()) : r.to_errno();
	}
	static long ioctl(void *state, unsigned int cmd, unsigned long arg) noexcept
	{
		ioctl_arg a(cmd, arg);
		result<long> r = self(state).ioctl(a);
		return r ? r.value() : r.to_errno();
	}
	static unsigned int poll(void *state, ::file *file, ::poll_table_struct *pt) noexcept
	{
		kstd::poll_table t(file, pt);
		return self(state).poll(t);
	}

	/* The operations F has; the others stay NULL (and are never instantiated). */
	static constexpr ::kstd_misc_ops make_table() noexcept
	{
		::kstd_misc_ops t = {&misc_dispatch::open,
				     &misc_dispatch::release,
				     nullptr,
				     nullptr,
				     nullptr,
				     nullptr};
		if constexpr (misc_reads<F>)
			t.read = &misc_dispatch::read;
		if constexpr (misc_writes<F>)
			t.write = &misc_dispatch::write;
		if constexpr (misc_ioctls<F>)
			t.ioctl = &misc_dispatch::ioctl;
		if constexpr (misc_polls<F>)
			t.poll = &misc_dispatch::poll;
		return t;
	}
	static constexpr ::kstd_misc_ops table = make_table();
};

} // namespace detail

/**
 * A registered misc device /dev/NAME whose open files are @p F objects
 * (see the file comment).  Deregistered when destroyed.  Move-only.
 */
template <class F>
class misc_device {
public:
	misc_device() noexcept = default;
	/** Take over @p o's device; @p o becomes empty. */
	misc_device(misc_device &&o) noexcept : dev_(exchange(o.dev_, nullptr)) {}
	/** Deregister the current device (may sleep), take over @p o's. */
	misc_device &operator=(misc_device &&o) noexcept
	{
		reset();
		dev_ = exchange(o.dev_, nullptr);
		return *this;
	}
	misc_device(const misc_device &) = delete;
	misc_device &operator=(const misc_device &) = delete;
	/** Deregisters and waits until the files open on it are closed.  May sleep. */
	~misc_device() { reset(); }

	/**
	 * Register /dev/@p name (a dynamic minor; node mode @p mode, e.g. 0600
	 * or 0666) whose opens call F::open(@p ctx, ...).  @p ctx must outlive
	 * the device.  Fails with -EINVAL for an empty name or one with a '/',
	 * -EBUSY if no minor is free, -ENOMEM.  Names must be unique among misc
	 * devices (the kernel WARNs about a duplicate in sysfs).  May sleep.
	 */
	template <class Ctx>
	[[nodiscard]] static result<misc_device> create(const char *name, u16 mode,
							Ctx &ctx) noexcept
	{
		KSTD_MIGHT_SLEEP();
		// SAFETY: the table casts ctx back to Ctx: &ctx is one, alive
		// while the device is (the destructor waits for open files).
		::kstd_misc *d = KSTD_TRY(from_err_ptr(kstd_misc_register(
			name, mode, &detail::misc_dispatch<F, Ctx>::table, &ctx)));
		misc_device m;
		m.dev_ = d;
		return m;
	}

	/** Is a device registered? */
	explicit operator bool() const noexcept { return dev_ != nullptr; }
	/** The minor number (the major is KSTD_MISC_MAJOR); -1 if empty. */
	[[nodiscard]] int minor() const noexcept { return dev_ ? kstd_misc_minor(dev_) : -1; }
	/** Files open on it right now (a snapshot). */
	[[nodiscard]] int open_files() const noexcept
	{
		return dev_ ? kstd_misc_open_files(dev_) : 0;
	}
	/** Deregister now and wait for open files (no-op if empty).  May sleep. */
	void reset() noexcept
	{
		if (dev_) {
			KSTD_MIGHT_SLEEP();
			kstd_misc_deregister(exchange(dev_, nullptr));
		}
	}

private:
	::kstd_misc *dev_ = nullptr;
};

} // namespace kstd

#endif // KSTD_DEVICE_HPP
