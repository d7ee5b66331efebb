// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file user_span.hpp
 * @brief Copies to and from user space that cannot run past their span,
 *        are fault-checked, and consume what they copy.
 *
 * A kstd::user_reader is the user memory a write() or an ioctl() argument
 * hands the kernel, a kstd::user_writer the memory a read() or an ioctl()
 * fills in; module code gets them from kstd::misc_device (device.hpp) and
 * never holds a `__user` pointer.  Each has a length and a cursor:
 *
 *   - bounded: a copy never goes past the span.  read_some()/write_some()
 *     copy min(request, remaining()); read()/write() of an exact size fail
 *     with -EFAULT when fewer bytes remain (as a copy past a user buffer
 *     would);
 *   - fault-checked: a copy the user's memory refuses (unmapped, read-only,
 *     a kernel address) fails with -EFAULT, never a partial silent result;
 *   - consumed: every byte is copied at most once, the cursor only moves
 *     forward.  A module that validates what it read and then acts on it
 *     acts on its own copy, never on user memory that another thread may
 *     have changed in between (the time-of-check/time-of-use hole of
 *     reading a user buffer twice).
 *
 * Readers and writers are move-only, so a span cannot be consumed twice
 * through a copy either.
 *
 * @noop example(kstd::user_reader &in, kstd::user_writer &out)
 * @code
 * struct set_limit {
 *         kstd::u32 max_posts;
 *         kstd::u32 flags;
 * };
 * // an ioctl argument: exactly one struct, or -EFAULT
 * set_limit req = KSTD_TRY(in.read<set_limit>());
 * // a line of text, at most 64 bytes of it
 * kstd::fixed_string<64> line;
 * KSTD_TRY(in.read_string(line));
 * // a read(): as much as the caller asked for, no more
 * kstd::size_t n = KSTD_TRY(out.write_some(line.view()));
 * (void)req;
 * (void)n;
 * @endcode
 *
 * Context: every copy may fault pages in, so may sleep: process context,
 * no spinlock held (copy into a local object first, then lock).
 */
#ifndef KSTD_USER_SPAN_HPP
#define KSTD_USER_SPAN_HPP

#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/span.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

namespace kstd {

namespace detail {

/* Where the bytes are: an iov_iter (read_iter/write_iter) or a plain user address (ioctl). */
class user_cursor {
public:
	explicit user_cursor(::iov_iter *iter) noexcept : iter_(iter), left_(kstd_iter_count(iter))
	{
	}
	user_cursor(unsigned long addr, size_t len) noexcept : addr_(addr), left_(len) {}
	user_cursor(user_cursor &&o) noexcept
		: iter_(exchange(o.iter_, nullptr)), addr_(exchange(o.addr_, 0)),
		  left_(exchange(o.left_, 0)), done_(exchange(o.done_, 0))
	{
	}
	user_cursor &operator=(user_cursor &&o) noexcept
	{
		iter_ = exchange(o.iter_, nullptr);
		addr_ = exchange(o.addr_, 0);
		left_ = exchange(o.left_, 0);
		done_ = exchange(o.done_, 0);
		return *this;
	}
	user_cursor(const user_cursor &) = delete;
	user_cursor &operator=(const user_cursor &) = delete;

	size_t left() const noexcept { return left_; }
	size_t done() const noexcept { return done_; }

	/* Copy n <= left_ bytes in; the bytes copied (short on a fault). */
	size_t in(void *to, size_t n) noexcept
	{
		KSTD_MIGHT_SLEEP();
		size_t got;
		if (iter_) {
			got = kstd_iter_copy_in(to, n, iter_);
		} else {
			got = n - kstd_user_copy_in(to, addr_, n);
			addr_ += got;
		}
		advance(got);
		return got;
	}
	/* Copy n <= left_ bytes out; the bytes copied (short on a fault). */
	size_t out(const void *from, size_t n) noexcept
	{
		KSTD_MIGHT_SLEEP();
		size_t put;
		if (iter_) {
			put = kstd_iter_copy_out(from, n, iter_);
		} else {
			put = n - kstd_user_copy_out(addr_, from, n);
			addr_ += put;
		}
		advance(put);
		return put;
	}

private:
	void advance(size_t n) noexcept
	{
		left_ -= n;
		done_ += n;
	}

	::iov_iter *iter_ = nullptr; /* the bytes, or */
	unsigned long addr_ = 0;     /* the next user address */
	size_t left_ = 0;
	size_t done_ = 0;
};

} // namespace detail

/**
 * Bytes coming from user space (write(), an ioctl's input): copied out of
 * the span front to back, each byte once.  Move-only.
 */
class user_reader {
public:
	/**
	 * The @p len bytes at user address @p addr, e.g. an ioctl's
	 * argument: the address is only ever passed to copy_from_user().
	 */
	[[nodiscard]] static user_reader from_user(unsigned long addr, size_t len) noexcept
	{
		return user_reader(detail::user_cursor(addr, len));
	}
	/** Over an iov_iter (device.hpp's write handlers get one). */
	[[nodiscard]] static user_reader from_iter(::iov_iter *iter) noexcept
	{
		return user_reader(detail::user_cursor(iter));
	}
	/** Moves the cursor; @p o is left empty. */
	user_reader(user_reader &&o) noexcept = default;
	/** Moves the cursor; @p o is left empty. */
	user_reader &operator=(user_reader &&o) noexcept = default;

	/** Bytes not yet read. */
	[[nodiscard]] size_t remaining() const noexcept { return c_.left(); }
	/** Nothing left? */
	[[nodiscard]] bool empty() const noexcept { return c_.left() == 0; }
	/** Bytes read so far. */
	[[nodiscard]] size_t consumed() const noexcept { return c_.done(); }

	/**
	 * Exactly @p dst.size() bytes into @p dst: -EFAULT if fewer remain
	 * (nothing is read then) or if the user memory faults (the bytes
	 * before the fault are consumed).  May sleep.
	 */
	[[nodiscard]] result<void> read_exact(span<u8> dst) noexcept
	{
		if (dst.size() > c_.left())
			return error::fault();
		if (c_.in(dst.data(), dst.size()) != dst.size())
			return error::fault();
		return {};
	}
	/**
	 * min(@p dst.size(), remaining()) bytes into @p dst: the count, or
	 * -EFAULT on a fault.  May sleep.
	 */
	[[nodiscard]] result<size_t> read_some(span<u8> dst) noexcept
	{
		size_t n = min(dst.size(), c_.left());
		if (c_.in(dst.data(), n) != n)
			return error::fault();
		return n;
	}
	/**
	 * One trivially copyable @p T (an ioctl argument struct) by value:
	 * -EFAULT if fewer than sizeof(T) bytes remain or on a fault.  May
	 * sleep.
	 */
	template <class T>
	[[nodiscard]] result<T> read() noexcept
	{
		static_assert(__is_trivially_copyable(T),
			      "user_reader::read<T>() copies bytes: T must be trivially copyable");
		static_assert(__is_trivially_constructible(T),
			      "user_reader::read<T>() needs a T to copy into");
		T v;
		// SAFETY: T is trivially copyable, so every byte pattern the user
		// supplies is a T as far as C++ is concerned (validate the fields).
		KSTD_TRY(read_exact(span<u8>(reinterpret_cast<u8 *>(&v), sizeof(T))));
		return v;
	}
	/**
	 * Replace @p s with what is left of the span, cut to its capacity
	 * (the rest stays unread): the bytes read, or -EFAULT.  Use it for
	 * text: the bytes are not checked for NULs.  Copies through N bytes
	 * of stack (keep N small, a line or a name).  May sleep.
	 */
	template <size_t N>
	[[nodiscard]] result<size_t> read_string(fixed_string<N> &s) noexcept
	{
		char buf[N];
		size_t n = KSTD_TRY(read_some(span<u8>(reinterpret_cast<u8 *>(buf), N)));
		s.assign(string_view(buf, n));
		return n;
	}
	/** Skip @p n bytes (at most remaining()) without copying them. */
	void skip(size_t n) noexcept
	{
		u8 sink[64];
		while (n && c_.left()) {
			size_t k = min(min(n, sizeof(sink)), c_.left());
			if (c_.in(sink, k) != k)
				return;
			n -= k;
		}
	}

private:
	explicit user_reader(detail::user_cursor c) noexcept
		: c_(static_cast<detail::user_cursor &&>(c))
	{
	}
	detail::user_cursor c_;
};

/**
 * Bytes going to user space (read(), an ioctl's output): copied into the
 * span front to back, each byte once.  Move-only.
 */
class user_writer {
public:
	/** The @p len bytes at user address @p addr (only passed to copy_to_user()). */
	[[nodiscard]] static user_writer from_user(unsigned long addr, size_t len) noexcept
	{
		return user_writer(detail::user_cursor(addr, len));
	}
	/** Over an iov_iter (device.hpp's read handlers get one). */
	[[nodiscard]] static user_writer from_iter(::iov_iter *iter) noexcept
	{
		return user_writer(detail::user_cursor(iter));
	}
	/** Moves the cursor; @p o is left empty. */
	user_writer(user_writer &&o) noexcept = default;
	/** Moves the cursor; @p o is left empty. */
	user_writer &operator=(user_writer &&o) noexcept = default;

	/** Room left. */
	[[nodiscard]] size_t remaining() const noexcept { return c_.left(); }
	/** No room left? */
	[[nodiscard]] bool full() const noexcept { return c_.left() == 0; }
	/** Bytes written so far. */
	[[nodiscard]] size_t written() const noexcept { return c_.done(); }

	/**
	 * All of @p src: -EFAULT if less room remains (nothing is written
	 * then) or on a fault.  May sleep.
	 */
	[[nodiscard]] result<void> write_exact(span<const u8> src) noexcept
	{
		if (src.size() > c_.left())
			return error::fault();
		if (c_.out(src.data(), src.size()) != src.size())
			return error::fault();
		return {};
	}
	/**
	 * The first min(@p src.size(), remaining()) bytes of @p src: the
	 * count, or -EFAULT on a fault.  May sleep.
	 */
	[[nodiscard]] result<size_t> write_some(span<const u8> src) noexcept
	{
		size_t n = min(src.size(), c_.left());
		if (c_.out(src.data(), n) != n)
			return error::fault();
		return n;
	}
	/** write_some() of a string's bytes. */
	[[nodiscard]] result<size_t> write_some(string_view s) noexcept
	{
		// SAFETY: the same bytes, viewed as u8.
		return write_some(span<const u8>(reinterpret_cast<const u8 *>(s.data()), s.size()));
	}
	/** One trivially copyable @p T: -EFAULT if it does not fit or on a fault.  May sleep. */
	template <class T>
	[[nodiscard]] result<void> write(const T &v) noexcept
	{
		static_assert(__is_trivially_copyable(T),
			      "user_writer::write<T>() copies bytes: T must be trivially copyable");
		// SAFETY: a trivially copyable T's bytes are its value; callers
		// zero-initialise T so padding leaks no kernel memory.
		return write_exact(span<const u8>(reinterpret_cast<const u8 *>(&v), sizeof(T)));
	}

private:
	explicit user_writer(detail::user_cursor c) noexcept
		: c_(static_cast<detail::user_cursor &&>(c))
	{
	}
	detail::user_cursor c_;
};

/**
 * A user-space address and a length, not yet read or written: turned into
 * a reader or a writer by consuming it (Rust-for-Linux's UserSlice).  An
 * ioctl argument that is both read and written (_IOWR) is read first
 * (reader_writer()), then written.  Move-only.
 */
class user_span {
public:
	/** @p len bytes at user address @p addr. */
	user_span(unsigned long addr, size_t len) noexcept : addr_(addr), len_(len) {}
	/** Takes @p o's range; @p o is left empty. */
	user_span(user_span &&o) noexcept : addr_(exchange(o.addr_, 0)), len_(exchange(o.len_, 0))
	{
	}
	/** Takes @p o's range; @p o is left empty. */
	user_span &operator=(user_span &&o) noexcept
	{
		addr_ = exchange(o.addr_, 0);
		len_ = exchange(o.len_, 0);
		return *this;
	}
	user_span(const user_span &) = delete;
	user_span &operator=(const user_span &) = delete;

	/** Its length in bytes. */
	[[nodiscard]] size_t size() const noexcept { return len_; }
	/** Read it (the span is consumed). */
	[[nodiscard]] user_reader reader() &&noexcept
	{
		return user_reader::from_user(exchange(addr_, 0), exchange(len_, 0));
	}
	/** Write it (the span is consumed). */
	[[nodiscard]] user_writer writer() &&noexcept
	{
		return user_writer::from_user(exchange(addr_, 0), exchange(len_, 0));
	}

private:
	unsigned long addr_;
	size_t len_;
};

} // namespace kstd

#endif // KSTD_USER_SPAN_HPP
