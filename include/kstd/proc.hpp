// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file proc.hpp
 * @brief /proc files with RAII lifetime: a seq_file reader and a bounded,
 *        line-oriented writer; the same in every network namespace's
 *        /proc/net.
 *
 * A handler is any object with one or both of
 *
 *     void show(kstd::seq_file &m);                      // read(): fill m
 *     kstd::result<void> on_line(kstd::string_view line); // write(): one line
 *
 * (for kstd::pernet_proc_entry the namespace comes first or last:
 * `show(kstd::seq_file &, ::net *)`, `on_line(::net *, kstd::string_view)`;
 * show() may also return kstd::result<void>).  The entry keeps a reference
 * to the handler, which must outlive it: declare the entry after the data it
 * shows, so that it is removed first.
 *
 * Writing: the kernel copies the user's data in bounded chunks into a
 * per-open-file buffer of max_line + 1 bytes (never an allocation sized by
 * the writer) and calls on_line() for each complete line as soon as its
 * `"\n"` arrives, without the `"\n"` and one `"\r"` before it; empty lines are
 * skipped.  A line may be split over several write() calls; a last line
 * without `"\n"` is handled at close() (its error can no longer be reported
 * and is only logged).  write() consumes all its data and returns the byte
 * count, or the first error of that call: the errno an on_line() returned,
 * or -E2BIG for a line longer than max_line bytes (counting a `"\r"`; the
 * rest of that line is skipped).  The lines after a failing one are still
 * handled.  So `echo bad > /proc/x` prints "Invalid argument" when
 * on_line() returns kstd::error::inval().
 *
 * Reading: show() runs under the seq_file's lock for each read() from
 * offset 0 (and again, with a bigger buffer, if its output did not fit),
 * so it must print a consistent snapshot and have no side effects.
 *
 * @code
 * struct stats {
 *         kstd::u64 conns = 0;
 *         void show(kstd::seq_file &m) { m.printf("connections: %llu\n", conns); }
 *         kstd::result<void> on_line(kstd::string_view l)
 *         {
 *                 if (l != "reset")
 *                         return kstd::error::inval();
 *                 conns = 0;
 *                 return {};
 *         }
 * };
 *
 * struct kecho {
 *         stats counters;
 *         kstd::proc_entry file;                  // removed before counters
 *
 *         static kstd::result<kstd::unique_ptr<kecho>> create()
 *         {
 *                 auto self = KSTD_TRY(kstd::make_unique<kecho>(kstd::gfp::kernel));
 *                 self->file = KSTD_TRY(kstd::proc_entry::create("kecho", 0644, self->counters));
 *                 return self;
 *         }
 * };
 *
 * // /proc/net/drop_tcp_sock in every namespace, root only, and writable
 * // only with CAP_NET_ADMIN over that namespace (as `ss -K` requires):
 * struct dropper {
 *         kstd::result<void> on_line(::net *net, kstd::string_view line);
 *         void show(kstd::seq_file &m, ::net *net);
 * };
 * dropper d;
 * auto e = KSTD_TRY(kstd::pernet_proc_entry::create(
 *         "drop_tcp_sock", 0600, d, {.write_capability = KSTD_CAP_NET_ADMIN}));
 * @endcode
 *
 * Context: create(), the destructors, show() and on_line() run in process
 * context and may sleep.  Destroying an entry waits for callbacks that are
 * running and closes the files still open (their later reads and writes
 * fail with EIO; a partial line they buffered is dropped), so once the
 * destructor returns the handler is never called again.  Writers of one
 * open file are serialised; different open files (and namespaces) call the
 * handler concurrently, so it must lock what it shares.  Names must be
 * unique in their directory (the kernel WARNs about a duplicate).
 */
#ifndef KSTD_PROC_HPP
#define KSTD_PROC_HPP

#include <kstd/bindings.h>
#include <kstd/bytes.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/**
 * The output side of a seq_file, as show() gets it.  Output that does not
 * fit makes the seq_file core retry show() with a bigger buffer.
 */
class seq_file {
public:
	/** Wrap the kernel's seq_file (kstd does this for show()). */
	explicit seq_file(::seq_file *m) noexcept : m_(m) {}
	seq_file(const seq_file &) = delete;
	seq_file &operator=(const seq_file &) = delete;

	/** seq_printf(), with compile-time format checking. */
	__attribute__((format(printf, 2, 3))) void printf(const char *fmt, ...) noexcept
	{
		__builtin_va_list ap;
		__builtin_va_start(ap, fmt);
		seq_vprintf(m_, fmt, ap);
		__builtin_va_end(ap);
	}
	/** The bytes of @p s, verbatim. */
	void write(string_view s) noexcept { seq_write(m_, s.data(), s.size()); }
	/** seq_putc(): one byte. */
	void putc(char c) noexcept { seq_putc(m_, c); }

	/** The kernel's struct seq_file, for C APIs. */
	[[nodiscard]] ::seq_file *raw() const noexcept { return m_; }

private:
	::seq_file *m_;
};

namespace detail {

/* What a handler can do: show(), on_line(), with or without the namespace. */
template <class H>
concept proc_shows = requires(H &h, kstd::seq_file &m)
{
	h.show(m);
};
template <class H>
concept proc_shows_net = requires(H &h, kstd::seq_file &m, ::net *n)
{
	h.show(m, n);
};
template <class H>
concept proc_takes_lines = requires(H &h, string_view l)
{
	requires is_same_v<decltype(h.on_line(l)), result<void>>;
};
template <class H>
concept proc_takes_lines_net = requires(H &h, ::net *n, string_view l)
{
	requires is_same_v<decltype(h.on_line(n, l)), result<void>>;
};

/*
 * The line discipline of a writable /proc file (the file comment's
 * "Writing"), one per open file that may write, which the C side creates,
 * feeds and frees through the kstd_proc_handler table.  A buffer of
 * max_line + 1 bytes (a line of max_line bytes plus its newline): input is
 * copied into it in bounded chunks, and only the partial line after the
 * last newline stays between write() calls.
 */
class proc_line_writer {
public:
	proc_line_writer(const proc_line_writer &) = delete;
	proc_line_writer &operator=(const proc_line_writer &) = delete;

	/* kstd_proc_handler::writer_open: nullptr when out of memory. */
	static void *open(unsigned int max_line) noexcept
	{
		void *mem = kstd_kmalloc(sizeof(proc_line_writer) + max_line + 1,
					 gfp::kernel_account.bits);
		if (!mem)
			return nullptr;
		// SAFETY: mem is a fresh kmalloc() block for the writer and its
		// trailing buffer of max_line + 1 bytes; release() destroys it.
		return new (mem) proc_line_writer(max_line + 1);
	}

	/*
	 * kstd_proc_handler::writer_write.  Hands every complete line to the
	 * handler as soon as its newline arrives; a partial line waits for the
	 * next write() (or close).  All input is consumed; the result is the
	 * byte count, or the first error of this call: a handler's errno for
	 * one of its lines, or -E2BIG for a line longer than max_line (the
	 * rest of that line, up to its newline, is skipped).  Lines after a
	 * failed one are still handled.  A fault returns that first error, or
	 * the bytes consumed before it, or -EFAULT.
	 */
	static long write(void *self, const ::kstd_proc_handler *h, void *ctx, ::net *net,
			  const char *ubuf, size_t count) noexcept
	{
		// SAFETY: self is what open() returned for this open file, alive
		// until release(); ubuf is write()'s user address, only ever passed
		// to kstd_copy_from_user().
		return static_cast<proc_line_writer *>(self)->feed(*h, ctx, net, ubuf, count);
	}

	/*
	 * kstd_proc_handler::writer_release: close() hands an unterminated
	 * last line to the handler, unless the entry is being removed, and
	 * returns its error; the writer is freed.
	 */
	static int release(void *self, const ::kstd_proc_handler *h, void *ctx, ::net *net,
			   int dying) noexcept
	{
		// SAFETY: as in write(); nothing uses self after this call.
		auto *w = static_cast<proc_line_writer *>(self);
		int err = 0;
		if (w->len_ && !w->discarding_ && !dying)
			err = line(*h, ctx, net, w->buf_, w->len_);
		w->~proc_line_writer();
		kfree(w);
		return err;
	}

private:
	explicit proc_line_writer(size_t cap) noexcept : cap_(cap) {}
	~proc_line_writer() = default;

	/* One complete line without its "\n": drop one trailing "\r", skip empty lines. */
	static int line(const ::kstd_proc_handler &h, void *ctx, ::net *net, const char *text,
			size_t len) noexcept
	{
		if (len && text[len - 1] == '\r')
			len--;
		return len ? h.line(ctx, net, text, len) : 0;
	}

	long feed(const ::kstd_proc_handler &h, void *ctx, ::net *net, const char *ubuf,
		  size_t count) noexcept
	{
		auto g = lock_.lock_killable();
		if (!g)
			return -KSTD_EINTR;
		size_t done = 0;
		int first_err = 0;
		while (done < count) {
			if (discarding_) {
				size_t n = min(count - done, cap_);
				if (kstd_copy_from_user(buf_, ubuf + done, n))
					return fault(first_err, done);
				const void *nl = __builtin_memchr(buf_, '\n', n);
				if (nl) {
					discarding_ = false;
					n = static_cast<const char *>(nl) - buf_ + 1;
				}
				done += n;
				continue;
			}
			size_t n = min(count - done, cap_ - len_);
			if (kstd_copy_from_user(buf_ + len_, ubuf + done, n))
				return fault(first_err, done);
			done += n;
			size_t end = len_ + n, start = 0;
			for (size_t i = len_; i < end; i++) {
				if (buf_[i] != '\n')
					continue;
				int err = line(h, ctx, net, buf_ + start, i - start);
				if (err && !first_err)
					first_err = err;
				start = i + 1;
			}
			len_ = end - start;
			move_bytes(buf_, buf_ + start, len_);
			if (len_ == cap_) {
				/* max_line + 1 bytes without a newline: too long. */
				len_ = 0;
				discarding_ = true;
				if (!first_err)
					first_err = -KSTD_E2BIG;
			}
			kstd_cond_resched();
		}
		return first_err ? first_err : static_cast<long>(count);
	}

	static long fault(int first_err, size_t done) noexcept
	{
		if (first_err)
			return first_err;
		return done ? static_cast<long>(done) : -KSTD_EFAULT;
	}

	mutex lock_{"kstd::proc_line_writer"}; /* serialises write() on this open file */
	size_t cap_;			       /* max_line + 1 */
	size_t len_ = 0;		       /* bytes of the pending partial line */
	bool discarding_ = false;	       /* skipping the rest of an over-long line */
	char buf_[];			       /* cap_ bytes */
};

/* proc_options::max_line as the C side takes it: the default for 0, -EINVAL above the limit. */
[[nodiscard]] inline result<unsigned int> proc_max_line(unsigned int max_line) noexcept
{
	if (!max_line)
		return KSTD_PROC_DEFAULT_MAX_LINE;
	if (max_line > KSTD_PROC_MAX_LINE_LIMIT)
		return error::inval();
	return max_line;
}

template <class H, bool PerNet>
struct proc_dispatch {
	static constexpr bool has_show = PerNet ? proc_shows_net<H> : proc_shows<H>;
	static constexpr bool has_line = PerNet ? proc_takes_lines_net<H> : proc_takes_lines<H>;
	static_assert(has_show || has_line || PerNet,
		      "a /proc handler needs show(kstd::seq_file &) and/or "
		      "kstd::result<void> on_line(kstd::string_view)");
	static_assert(has_show || has_line || !PerNet,
		      "a pernet /proc handler needs show(kstd::seq_file &, ::net *) and/or "
		      "kstd::result<void> on_line(::net *, kstd::string_view)");

	static int show(void *ctx, [[maybe_unused]] ::net *net, ::seq_file *raw) noexcept
	{
		// SAFETY: ctx is the &handler that create() registered with this
		// table (same H), and the handler outlives the entry, whose
		// removal waits for callbacks in flight.
		[[maybe_unused]] H &h = *static_cast<H *>(ctx);
		[[maybe_unused]] kstd::seq_file m(raw);
		if constexpr (!has_show) {
			return 0;
		} else if constexpr (PerNet) {
			if constexpr (is_void_v<decltype(h.show(m, net))>) {
				h.show(m, net);
				return 0;
			} else {
				return h.show(m, net).to_errno();
			}
		} else {
			if constexpr (is_void_v<decltype(h.show(m))>) {
				h.show(m);
				return 0;
			} else {
				return h.show(m).to_errno();
			}
		}
	}

	static int line(void *ctx, [[maybe_unused]] ::net *net, [[maybe_unused]] const char *text,
			[[maybe_unused]] size_t len) noexcept
	{
		// SAFETY: as in show(): ctx is create()'s H, alive while registered.
		[[maybe_unused]] H &h = *static_cast<H *>(ctx);
		if constexpr (!has_line) {
			return -KSTD_EIO;
		} else if constexpr (PerNet) {
			return h.on_line(net, string_view(text, len)).to_errno();
		} else {
			return h.on_line(string_view(text, len)).to_errno();
		}
	}

	static constexpr ::kstd_proc_handler table = {
		has_show ? &proc_dispatch::show : nullptr,
		has_line ? &proc_dispatch::line : nullptr,
		&proc_line_writer::open,
		&proc_line_writer::write,
		&proc_line_writer::release,
	};
};

} // namespace detail

/** Options for a /proc file. */
struct proc_options {
	/**
	 * The longest input line in bytes, without its `"\n"` (a `"\r"` counts);
	 * 0 for the default, KSTD_PROC_DEFAULT_MAX_LINE (256); at most
	 * KSTD_PROC_MAX_LINE_LIMIT (4096).  Each open file that may write gets
	 * a buffer of max_line + 1 bytes.
	 */
	unsigned int max_line = 0;
	/**
	 * A capability the opener must hold to open the file for writing,
	 * e.g. KSTD_CAP_NET_ADMIN, or KSTD_CAP_NONE (the default: the mode
	 * alone decides).  It is checked at open() against the opener's
	 * credentials, in the initial user namespace for a kstd::proc_entry
	 * and in the user namespace that owns the file's network namespace
	 * for a kstd::pernet_proc_entry; without it open() fails with EPERM.
	 * Opening for reading is never checked.  A mode such as 0600 only
	 * says "uid 0", which a process without capabilities (a container
	 * sharing the host's network namespace, a setpriv'ed shell) still
	 * is: a file whose writes act on the namespace (drop connections,
	 * change settings) wants the capability the kernel's own interface
	 * for that action requires, usually KSTD_CAP_NET_ADMIN.  An fd
	 * opened by a capable process and passed on keeps working, as for
	 * the kernel's files.  create() fails with -EINVAL for a number that
	 * is no capability.
	 */
	int write_capability = KSTD_CAP_NONE;
};

/** A directory in /proc (proc_mkdir); removed when destroyed. Move-only. */
class proc_dir {
public:
	proc_dir() noexcept = default;
	/** Take over @p o's directory; @p o becomes empty. */
	proc_dir(proc_dir &&o) noexcept : dir_(exchange(o.dir_, nullptr)) {}
	/** Remove the current directory (may sleep), take over @p o's. */
	proc_dir &operator=(proc_dir &&o) noexcept
	{
		reset();
		dir_ = exchange(o.dir_, nullptr);
		return *this;
	}
	proc_dir(const proc_dir &) = delete;
	proc_dir &operator=(const proc_dir &) = delete;
	/**
	 * Removes the directory.  Destroy the entries in it first (declare the
	 * directory before them); otherwise this WARNs and leaves it in place.
	 */
	~proc_dir() { reset(); }

	/** /proc/@p name, or @p name inside @p parent.  May sleep. */
	[[nodiscard]] static result<proc_dir> create(const char *name,
						     const proc_dir *parent = nullptr) noexcept
	{
		KSTD_MIGHT_SLEEP();
		::kstd_proc_dir *d = KSTD_TRY(
			from_err_ptr(kstd_proc_mkdir(name, parent ? parent->dir_ : nullptr)));
		// SAFETY: d is a new directory (not an error pointer: from_err_ptr
		// checked), owned by nothing else; r removes it.
		proc_dir r;
		r.dir_ = d;
		return r;
	}

	/** Does it hold a directory? */
	explicit operator bool() const noexcept { return dir_ != nullptr; }
	/** Remove now (no-op if empty).  May sleep. */
	void reset() noexcept
	{
		if (dir_) { /* empty: nothing to wait for, any context */
			KSTD_MIGHT_SLEEP();
			kstd_proc_rmdir(exchange(dir_, nullptr));
		}
	}

private:
	friend class proc_entry;
	::kstd_proc_dir *dir_ = nullptr;
};

/**
 * A file in /proc (or in a kstd::proc_dir), served by a handler object (see
 * the file comment).  Removed when destroyed.  Move-only.
 */
class proc_entry {
public:
	proc_entry() noexcept = default;
	/** Take over @p o's file; @p o becomes empty. */
	proc_entry(proc_entry &&o) noexcept : node_(exchange(o.node_, nullptr)) {}
	/** Remove the current file (may sleep), take over @p o's. */
	proc_entry &operator=(proc_entry &&o) noexcept
	{
		reset();
		node_ = exchange(o.node_, nullptr);
		return *this;
	}
	proc_entry(const proc_entry &) = delete;
	proc_entry &operator=(const proc_entry &) = delete;
	/** Removes the file; waits for running callbacks.  May sleep. */
	~proc_entry() { reset(); }

	/**
	 * Create /proc/@p name (or @p name in @p parent) with permissions
	 * @p mode (e.g. 0444, 0644, 0200), served by @p handler, which must
	 * outlive the entry.  -ENOMEM if the kernel refuses (including an
	 * invalid name), -EINVAL for a bad max_line.  May sleep.
	 */
	template <class H>
	[[nodiscard]] static result<proc_entry> create(const char *name, u16 mode, H &handler,
						       const proc_dir *parent = nullptr,
						       proc_options opts = {}) noexcept
	{
		// SAFETY: the table's callbacks cast ctx back to H: &handler is an
		// H, and the caller keeps it alive while the entry exists.
		KSTD_MIGHT_SLEEP();
		unsigned int max_line = KSTD_TRY(detail::proc_max_line(opts.max_line));
		::kstd_proc_node *n = KSTD_TRY(
			from_err_ptr(kstd_proc_create(name, mode, parent ? parent->dir_ : nullptr,
						      &detail::proc_dispatch<H, false>::table,
						      &handler, max_line, opts.write_capability)));
		// SAFETY: n is a new entry (error pointers were turned into an
		// error above), owned by nothing else; e removes it.
		proc_entry e;
		e.node_ = n;
		return e;
	}

	/** Does it hold a file? */
	explicit operator bool() const noexcept { return node_ != nullptr; }
	/** Remove now (no-op if empty).  May sleep. */
	void reset() noexcept
	{
		if (node_) { /* empty: nothing to wait for, any context */
			KSTD_MIGHT_SLEEP();
			kstd_proc_remove(exchange(node_, nullptr));
		}
	}

private:
	::kstd_proc_node *node_ = nullptr;
};

/**
 * /proc/net/@p name in every network namespace: created in each existing
 * namespace by create(), in each new one when it is set up, removed from a
 * namespace when it exits and from all by the destructor.  The handler gets
 * the struct net of the file it serves.  A module may have any number of
 * them.  Move-only.
 *
 * Permissions: each namespace's file is owned by that namespace's root (uid
 * and gid 0 of the user namespace owning it, when they are mapped as the
 * network namespace is created; global root otherwise, like /proc/net
 * itself), so the root of a container's user namespace passes @p mode for
 * its own namespace's file.  The mode cannot tell that root
 * from one without privileges over the namespace: a file whose writes act
 * on the namespace should set proc_options::write_capability (usually
 * KSTD_CAP_NET_ADMIN), checked in the namespace's owning user namespace.
 */
class pernet_proc_entry {
public:
	pernet_proc_entry() noexcept = default;
	/** Take over @p o's registration; @p o becomes empty. */
	pernet_proc_entry(pernet_proc_entry &&o) noexcept : reg_(exchange(o.reg_, nullptr)) {}
	/** Unregister the current file (may sleep), take over @p o's. */
	pernet_proc_entry &operator=(pernet_proc_entry &&o) noexcept
	{
		reset();
		reg_ = exchange(o.reg_, nullptr);
		return *this;
	}
	pernet_proc_entry(const pernet_proc_entry &) = delete;
	pernet_proc_entry &operator=(const pernet_proc_entry &) = delete;
	/** Removes the file from every namespace.  May sleep. */
	~pernet_proc_entry() { reset(); }

	/**
	 * Register /proc/net/@p name (shorter than KSTD_PROC_NAME_MAX) with
	 * permissions @p mode, served by @p handler, which must outlive the
	 * entry.  Fails with -ENAMETOOLONG, -EINVAL (a bad max_line), -ENOMEM,
	 * or what creating it in an existing namespace failed with.  May sleep.
	 */
	template <class H>
	[[nodiscard]] static result<pernet_proc_entry>
	create(const char *name, u16 mode, H &handler, proc_options opts = {}) noexcept
	{
		// SAFETY: as in proc_entry::create(): &handler is the H the table
		// casts back to, kept alive by the caller; p is a new registration
		// that e alone unregisters.
		KSTD_MIGHT_SLEEP();
		unsigned int max_line = KSTD_TRY(detail::proc_max_line(opts.max_line));
		::kstd_pernet_proc *p = KSTD_TRY(from_err_ptr(kstd_pernet_proc_register(
			name, mode, &detail::proc_dispatch<H, true>::table, &handler, max_line,
			opts.write_capability)));
		pernet_proc_entry e;
		e.reg_ = p;
		return e;
	}

	/** Is a file registered? */
	explicit operator bool() const noexcept { return reg_ != nullptr; }
	/** Unregister now (no-op if empty).  May sleep. */
	void reset() noexcept
	{
		if (reg_) { /* empty: nothing to wait for, any context */
			KSTD_MIGHT_SLEEP();
			kstd_pernet_proc_unregister(exchange(reg_, nullptr));
		}
	}

private:
	::kstd_pernet_proc *reg_ = nullptr;
};

} // namespace kstd

#endif // KSTD_PROC_HPP
