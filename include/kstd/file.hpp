// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file file.hpp
 * @brief Reading files from a module: kstd::file (an open file: attributes,
 *        reads, zero-copy sends to a socket, directory listings) and
 *        kstd::directory_root (a directory that names are resolved
 *        beneath, never outside).
 *
 * @noop example(kstd::tcp_stream &stream, kstd::file &dir, kstd::fixed_string<4096> &out)
 * @code
 * // At load: the document root.
 * auto root = KSTD_TRY(kstd::directory_root::open("/var/www/html"));
 *
 * // Per request: never leaves the root, whatever the name and the links say.
 * kstd::file_attr attr;
 * auto f = root.open_beneath("docs/index.html", &attr);
 * if (!f)
 *         return f.error();       // -ENOENT, -EXDEV (escapes), -EACCES...
 * u64 pos = 0;
 * auto n = f->send(stream, pos, attr.size, kstd::msg::dontwait);  // zero-copy
 *
 * // A listing, resumable where the callback stopped:
 * auto end = dir.read_dir([&](kstd::string_view name, kstd::dir_entry_type t) {
 *         return out.append(name);        // false: stop here, resume later
 * });
 * @endcode
 *
 * Confinement (directory_root::open_beneath): openat2()'s RESOLVE_BENEATH
 * and RESOLVE_NO_MAGICLINKS.  "..", absolute symbolic links and relative
 * ones that would leave the root fail with -EXDEV during the walk (the
 * root is not a chroot: nothing is re-rooted, it is refused), magic links
 * such as /proc/self/fd/N with -ELOOP, a rename racing with a ".." step
 * with -EAGAIN (retry).  Only regular files and directories open (-EACCES
 * for FIFOs, devices, sockets).  Lookups and opens check permissions with
 * the caller's credentials, as openat2() would: search permission on every
 * directory walked, read permission on what is opened.  A workqueue's
 * credentials are the kernel's (root, every capability: nothing is
 * refused), so a server serves as a user-space one would by running its
 * file-system calls as an unprivileged user:
 *
 * @noop example(const kstd::directory_root &root, const char *name, kstd::file_attr &attr)
 * @code
 * // At load: nobody/nogroup, no groups, no capabilities.
 * auto creds = KSTD_TRY(kstd::credentials::unprivileged(65534, 65534));
 * // Per request:
 * {
 *         kstd::override_credentials as(creds);
 *         auto f = root.open_beneath(name, &attr);    // -EACCES as nobody
 * }
 * @endcode
 *
 * Opens are non-blocking: a file under a lease that another opener holds
 * (fcntl(F_SETLEASE)) gives -EWOULDBLOCK (== -EAGAIN) at once while the
 * lease is being broken, where a blocking open would wait for the holder
 * (up to /proc/sys/fs/lease-break-time, 45 s by default).
 *
 * Context: everything here may sleep (process context); a kstd::file may
 * be moved between work items.  The same code builds against Linux 6.1 and
 * 6.12 (the differences are in lib/helpers/file.c).
 */
#ifndef KSTD_FILE_HPP
#define KSTD_FILE_HPP

#include <kstd/bindings.h>
#include <kstd/ksocket.hpp>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** Attributes of an open file (a subset of struct kstat). */
struct file_attr {
	u64 size = 0;  ///< bytes
	s64 mtime = 0; ///< last modification, seconds since the epoch
	u32 mode = 0;  ///< type and permission bits, as st_mode

	/** Is it a regular file? */
	[[nodiscard]] constexpr bool is_regular() const noexcept
	{
		return (mode & KSTD_S_IFMT) == KSTD_S_IFREG;
	}
	/** Is it a directory? */
	[[nodiscard]] constexpr bool is_directory() const noexcept
	{
		return (mode & KSTD_S_IFMT) == KSTD_S_IFDIR;
	}
	/** May others (not owner, not group) read it (S_IROTH)? */
	[[nodiscard]] constexpr bool others_can_read() const noexcept
	{
		return mode & KSTD_S_IROTH;
	}
};

/**
 * Credentials to access files with (a counted reference to a struct cred),
 * released when destroyed.  Move-only; an empty object holds none.  Apply
 * them around file-system calls with kstd::override_credentials.
 */
class credentials {
public:
	constexpr credentials() noexcept = default;
	/** Take over @p o's credentials; @p o is left empty. */
	credentials(credentials &&o) noexcept : c_(exchange(o.c_, nullptr)) {}
	/** Release ours, take over @p o's. */
	credentials &operator=(credentials &&o) noexcept
	{
		if (this != &o)
			kstd_cred_put(exchange(c_, exchange(o.c_, nullptr)));
		return *this;
	}
	credentials(const credentials &) = delete;
	credentials &operator=(const credentials &) = delete;
	~credentials() { kstd_cred_put(c_); }

	/**
	 * An unprivileged user's credentials, as a user-space server drops to
	 * with setgroups(0), setgid() and setuid(): user @p uid and group
	 * @p gid (numeric, in the initial user namespace: the kernel has no
	 * user database) for every id, no supplementary groups, no
	 * capabilities.  Built from the kernel's own credentials, so the LSM
	 * label is still the kernel's.  -EINVAL for an invalid id
	 * (4294967295, (uid_t)-1), -ENOMEM.  Might sleep.
	 */
	[[nodiscard]] static result<credentials> unprivileged(u32 uid, u32 gid) noexcept
	{
		KSTD_MIGHT_SLEEP();
		credentials c;
		// SAFETY: the helper stores a new reference in c.c_ only on
		// success (null otherwise): c's destructor puts exactly that.
		KSTD_TRY(to_result(kstd_cred_unprivileged(uid, gid, &c.c_)));
		return c;
	}

	/** Are credentials held? */
	explicit operator bool() const noexcept { return c_ != nullptr; }
	/** The kernel's struct cred (still referenced by this object). */
	[[nodiscard]] const ::cred *raw() const noexcept { return c_; }

private:
	const ::cred *c_ = nullptr;
};

/**
 * A scope in which the current task's subjective credentials (those that
 * permission checks use: fsuid, fsgid, groups, capabilities; see
 * override_creds()) are @p c's; the previous ones come back when it ends.
 * Process context only; the scope must end in the task it began in, before
 * the work item (or system call) returns.  @p c must outlive the scope.
 * Scopes nest.  Empty credentials change nothing.
 */
class [[nodiscard]] override_credentials {
public:
	/** Become @p c until the end of the scope. */
	explicit override_credentials(const credentials &c) noexcept
		: old_(c ? kstd_cred_override(c.raw()) : nullptr)
	{
	}
	override_credentials(const override_credentials &) = delete;
	override_credentials &operator=(const override_credentials &) = delete;
	~override_credentials()
	{
		if (old_)
			kstd_cred_revert(old_);
	}

	/** The file-system user id in effect now (current_fsuid()). */
	[[nodiscard]] static u32 current_fsuid() noexcept { return kstd_cred_fsuid(); }

private:
	const ::cred *old_;
};

/** The type of a directory entry, when the file system reports it. */
enum class dir_entry_type : u8 {
	unknown,   ///< not reported (look it up if it matters)
	regular,   ///< a regular file
	directory, ///< a directory
	symlink,   ///< a symbolic link
	other,	   ///< a FIFO, socket or device
};

/** The current wall-clock time, seconds since the epoch.  Any context. */
[[nodiscard]] inline s64 real_seconds() noexcept
{
	return kstd_real_seconds();
}

/**
 * An open file (a reference to a struct file), released with fput() when
 * destroyed.  Move-only; an empty file fails every operation with -EBADF.
 */
class file {
public:
	constexpr file() noexcept = default;
	/** Adopt a reference to @p f. */
	// SAFETY: the caller hands over a reference it holds on @p f (from an
	// open, or fget()): this object fput()s it, nobody else may.
	explicit file(::file *f) noexcept : f_(f) {}
	/** Take over @p o's file; @p o is left empty. */
	file(file &&o) noexcept : f_(exchange(o.f_, nullptr)) {}
	/** Close ours (may sleep), take over @p o's file. */
	file &operator=(file &&o) noexcept
	{
		if (this != &o)
			reset(exchange(o.f_, nullptr));
		return *this;
	}
	file(const file &) = delete;
	file &operator=(const file &) = delete;
	~file() { reset(); }

	/**
	 * Open @p path (absolute, or relative to the caller's working
	 * directory; no confinement) for reading.  Might sleep.
	 */
	[[nodiscard]] static result<file> open(const char *path) noexcept
	{
		KSTD_MIGHT_SLEEP();
		::file *f = nullptr;
		KSTD_TRY(to_result(kstd_file_open(path, &f)));
		// SAFETY: on success kstd_file_open() returns a new reference.
		return file(f);
	}

	/** Size, modification time and mode (vfs_getattr()).  Might sleep. */
	[[nodiscard]] result<file_attr> attr() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!f_)
			return error::badf();
		kstd_file_attr a{};
		KSTD_TRY(to_result(kstd_file_getattr(f_, &a)));
		return file_attr{a.size, a.mtime, a.mode};
	}

	/**
	 * Read up to @p len bytes at @p pos into @p buf; @p pos advances by
	 * the count returned (0 at the end of the file).  Might sleep.
	 */
	[[nodiscard]] result<size_t> read(void *buf, size_t len, u64 &pos) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!f_)
			return error::badf();
		long long p = static_cast<long long>(pos);
		long n = kstd_file_read(f_, buf, len, &p);
		if (n < 0)
			return error::from_errno(static_cast<int>(n));
		pos = static_cast<u64>(p);
		return static_cast<size_t>(n);
	}

	/**
	 * Send up to @p len bytes from @p pos to @p stream without copying
	 * them (the page-cache pages go to the socket, as with sendfile(2)).
	 * With msg::dontwait: the count that fit (possibly short), -EAGAIN
	 * when nothing did; resume when the socket is writable.  msg::more
	 * keeps the last segment back for data that follows.  0 at the end of
	 * the file.  @p pos advances by the count.  Might sleep.
	 */
	[[nodiscard]] result<size_t> send(tcp_stream &stream, u64 &pos, size_t len,
					  msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!f_ || !stream)
			return error::badf();
		long long p = static_cast<long long>(pos);
		long n = kstd_file_splice_to_socket(f_, &p, len, stream.raw(), flags.bits);
		if (n < 0)
			return error::from_errno(static_cast<int>(n));
		pos = static_cast<u64>(p);
		return static_cast<size_t>(n);
	}

	/**
	 * Call @p fn(kstd::string_view name, kstd::dir_entry_type type) for
	 * each entry from the directory's current position on ("." and ".."
	 * included), in the file system's order.  @p fn returns false to stop:
	 * that entry stays, and the next read_dir() starts with it (so a
	 * listing can be produced a buffer at a time).  Returns true once the
	 * end was reached, false if @p fn stopped.  @p fn must not sleep (it
	 * may run with file system locks held).  Might sleep.
	 */
	template <class F>
	[[nodiscard]] result<bool> read_dir(F &&fn) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!f_)
			return error::badf();
		using fn_t = remove_reference_t<F>;
		// SAFETY: ctx is &fn below, a fn_t that lives until
		// kstd_file_iterate_dir() returns, which calls thunk only before
		// that; name points to len bytes of the entry's name.
		auto thunk = [](void *ctx, const char *name, int len, unsigned int type) -> int {
			return (*static_cast<fn_t *>(ctx))(
				string_view(name, static_cast<size_t>(len)), entry_type(type));
		};
		// SAFETY: const_cast only to pass through the C helper's void *;
		// thunk casts back to fn_t, const-qualified when F is.
		int r = kstd_file_iterate_dir(f_, thunk,
					      const_cast<void *>(static_cast<const void *>(&fn)));
		if (r < 0)
			return error::from_errno(r);
		return r == 1;
	}

	/** Release the reference now.  Might sleep. */
	void close() noexcept { reset(); }

	/** Is a file open? */
	explicit operator bool() const noexcept { return f_ != nullptr; }
	/** The kernel's struct file (still owned by this object). */
	[[nodiscard]] ::file *raw() const noexcept { return f_; }
	/** Give up ownership: the caller must fput() it. */
	[[nodiscard]] ::file *release() noexcept { return exchange(f_, nullptr); }

private:
	static dir_entry_type entry_type(unsigned int t) noexcept
	{
		switch (t) {
		case KSTD_DT_UNKNOWN:
			return dir_entry_type::unknown;
		case KSTD_DT_REG:
			return dir_entry_type::regular;
		case KSTD_DT_DIR:
			return dir_entry_type::directory;
		case KSTD_DT_LNK:
			return dir_entry_type::symlink;
		}
		return dir_entry_type::other;
	}

	void reset(::file *f = nullptr) noexcept
	{
		if (::file *old = exchange(f_, f))
			fput(old);
	}

	::file *f_ = nullptr;
};

/**
 * A directory held as the root of lookups: open_beneath() resolves names
 * relative to it and never outside it (see the file comment).  Holds a
 * reference to the directory (it stays usable if it is renamed, and keeps
 * its file system from being unmounted).  Move-only.
 */
class directory_root {
public:
	constexpr directory_root() noexcept = default;
	/** Take over @p o's root; @p o is left empty. */
	directory_root(directory_root &&o) noexcept : p_(exchange(o.p_, nullptr)) {}
	/** Release ours (may sleep), take over @p o's root. */
	directory_root &operator=(directory_root &&o) noexcept
	{
		if (this != &o) {
			kstd_path_free(p_);
			p_ = exchange(o.p_, nullptr);
		}
		return *this;
	}
	directory_root(const directory_root &) = delete;
	directory_root &operator=(const directory_root &) = delete;
	~directory_root() { kstd_path_free(p_); }

	/**
	 * Look up the directory @p path (absolute, or relative to the
	 * caller's working directory; symbolic links followed).  -ENOENT,
	 * -ENOTDIR...  Might sleep.
	 */
	[[nodiscard]] static result<directory_root> open(const char *path) noexcept
	{
		KSTD_MIGHT_SLEEP();
		directory_root r;
		// SAFETY: the helper stores a path it allocated and referenced in
		// r.p_ only on success: r's destructor frees exactly that.
		KSTD_TRY(to_result(kstd_path_open_dir(path, &r.p_)));
		return r;
	}

	/**
	 * Open @p name (NUL-terminated, relative: "a/b.html"; "." is the root
	 * itself, and a leading '/' is this root too, not the file system's)
	 * for reading, beneath this root.  @p attr, if given, receives
	 * the file's attributes.  Errors: -ENOENT, -ENOTDIR (a component is
	 * not a directory, or a trailing '/' after a file), -EXDEV (the name
	 * or a link leads outside), -ELOOP (too many links, or a magic link),
	 * -EACCES (not a regular file or directory, or the caller's
	 * credentials may not search a directory on the way or read the
	 * result), -EAGAIN (a racing rename: retry; or a lease on the file is
	 * being broken: retry later, it was not waited for), -ENAMETOOLONG.
	 * Might sleep.
	 */
	[[nodiscard]] result<file> open_beneath(const char *name,
						file_attr *attr = nullptr) const noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!p_)
			return error::badf();
		::file *f = nullptr;
		kstd_file_attr a{};
		KSTD_TRY(to_result(kstd_file_open_beneath(p_, name, &f, attr ? &a : nullptr)));
		if (attr)
			*attr = file_attr{a.size, a.mtime, a.mode};
		// SAFETY: on success kstd_file_open_beneath() returns a new reference.
		return file(f);
	}

	/**
	 * The directory @p dir is open on (as openat2() takes a directory
	 * descriptor); -ENOTDIR if it is not one.  Might sleep.
	 */
	[[nodiscard]] static result<directory_root> of(const file &dir) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!dir)
			return error::badf();
		directory_root r;
		// SAFETY: as in open(): r.p_ is set, and owned, only on success.
		KSTD_TRY(to_result(kstd_path_of_file(dir.raw(), &r.p_)));
		return r;
	}

	/** Is a root held? */
	explicit operator bool() const noexcept { return p_ != nullptr; }
	/** The kernel's struct path (still owned by this object). */
	[[nodiscard]] const ::path *raw() const noexcept { return p_; }

private:
	::path *p_ = nullptr;
};

} // namespace kstd

#endif // KSTD_FILE_HPP
