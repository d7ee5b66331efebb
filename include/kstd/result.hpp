// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file result.hpp
 * @brief kstd::error (always a valid negative errno) and kstd::result<T>.
 *
 * The kernel reports failure as a negative errno, sometimes hidden in a
 * pointer (ERR_PTR).  kstd::result<T> carries either a T or a kstd::error,
 * is [[nodiscard]], and KSTD_TRY() propagates the error to the caller, so
 * error paths read like the success path without a goto ladder.
 *
 * @code
 * kstd::result<int> parse_port(kstd::string_view s);
 *
 * kstd::result<void> configure(kstd::string_view s)
 * {
 *         int port = KSTD_TRY(parse_port(s)); // returns the error on failure
 *         if (port == 0)
 *                 return kstd::error::inval();
 *         return {};
 * }
 * // at the C boundary: return configure(s).to_errno();
 * @endcode
 *
 * All of it is usable in any context; nothing allocates.
 */
#ifndef KSTD_RESULT_HPP
#define KSTD_RESULT_HPP

#include <kstd/errno.h>
#include <kstd/utility.hpp>

namespace kstd {

/** One case of name(): the value comes from layout.h, the name from the table. */
#define KSTD_ERRNO_NAME_CASE(fn, NAME)                                                             \
	case KSTD_##NAME:                                                                          \
		return #NAME;

/**
 * A kernel error: a negative errno in [-MAX_ERRNO, -1], by construction.
 *
 * Build one from a known errno with the named constructors
 * (`kstd::error::nomem()`), or from an int returned by the kernel with
 * from_errno(), which maps anything out of range to -EINVAL (and never to 0,
 * so an error can't turn into success).
 */
class error {
public:
	/** From a kernel return value; must be negative, else -EINVAL. */
	[[nodiscard]] static constexpr error from_errno(int err) noexcept
	{
		return error(err < 0 && err >= -KSTD_MAX_ERRNO ? err : -KSTD_EINVAL);
	}

	/** The negative errno, for returning to C (init, read, write...). */
	[[nodiscard]] constexpr int to_errno() const noexcept { return code_; }

	/** ERR_PTR(): the error encoded in a pointer. */
	template <class T = void>
	[[nodiscard]] T *to_err_ptr() const noexcept
	{
		// SAFETY: code_ is in [-MAX_ERRNO, -1] by construction, so the
		// pointer lies in the top page of the address space, which the
		// kernel never maps: IS_ERR() recognises it and nothing can
		// dereference it by mistake without faulting.  The kernel's own
		// ERR_PTR() is this same cast.
		return reinterpret_cast<T *>(static_cast<__INTPTR_TYPE__>(code_));
	}

	/** Same errno. */
	constexpr bool operator==(const error &) const noexcept = default;

	/**
	 * The errno's name for logs: "ENOENT" for -ENOENT, "E???" for a code
	 * kstd/errno.h does not name (one the kernel added later).  A static
	 * string.  Any context.
	 *
	 * @noop example(kstd::tcp_stream &sock, const char *buf, kstd::size_t n)
	 * @code
	 * if (auto r = sock.send_all(buf, n); !r)
	 *         kstd_pr_warn("send: %s\n", r.error().name()); // "send: EPIPE"
	 * @endcode
	 */
	[[nodiscard]] constexpr const char *name() const noexcept
	{
		switch (-code_) {
			KSTD_ERRNO_TABLE(KSTD_ERRNO_NAME_CASE)
		default:
			return "E???";
		}
	}

	/**
	 * @name Named constructors, one per errno
	 * `error::nomem()` is -ENOMEM, `error::inval()` is -EINVAL, and so on:
	 * the errno name without the E, lower case (`error::toobig()` is
	 * -E2BIG).  Every errno of the kernel's uapi errno headers and the
	 * kernel-internal ones of linux/errno.h (`error::restartsys()`,
	 * `error::probe_defer()`, `error::notsupp()`), from kstd/errno.h.
	 *
	 * @noop example(const kstd::result<kstd::file> &r) -> int
	 * @code
	 * if (r.error() == kstd::error::notdir())
	 *         return 404;
	 * return 500;
	 * @endcode
	 */
	///@{
	/** Declares one named constructor; local to this class (undefined below). */
#define KSTD_ERRNO_CTOR(fn, NAME)                                                                  \
	/** The negative errno NAME. */                                                            \
	[[nodiscard]] static constexpr error fn() noexcept                                         \
	{                                                                                          \
		return error(-KSTD_##NAME);                                                        \
	}
	KSTD_ERRNO_TABLE(KSTD_ERRNO_CTOR)
#undef KSTD_ERRNO_CTOR
	///@}

private:
	constexpr explicit error(int code) noexcept : code_(code)
	{
	}
	int code_;
};
#undef KSTD_ERRNO_NAME_CASE

/** IS_ERR(): does this pointer encode an errno? */
[[nodiscard]] inline bool is_err_ptr(const void *p) noexcept
{
	// SAFETY: only compares the address, never dereferences it; the top
	// MAX_ERRNO addresses are unmapped and reserved for ERR_PTR().
	return reinterpret_cast<uintptr_t>(p) >= static_cast<uintptr_t>(-KSTD_MAX_ERRNO);
}

template <class T>
class result;

/** Tag to build a result that holds its value in place. */
struct in_place_t {};
/** The in_place_t value: `result<T>(kstd::in_place, args...)`. */
inline constexpr in_place_t in_place{};

/**
 * Either a T or an error.  Move-only if T is; never allocates.
 *
 * Test it with `if (r)` / has_value(), read the value with value() or `*r`
 * (only when it holds one: checked with a kernel WARN, then the value is
 * still returned so code never runs on garbage silently), and the error with
 * error().  Convert to an int return with to_errno() (0 on success).
 */
template <class T>
class [[nodiscard]] result {
public:
	/// The success type T.
	using value_type = T;

	/** Success holding @p v. */
	constexpr result(T &&v) noexcept : has_(true) { new (&value_) T(move(v)); }
	/** Success holding a copy of @p v. */
	constexpr result(const T &v) noexcept : has_(true) { new (&value_) T(v); }
	/** Success, with T built in place from @p args. */
	template <class... Args>
	constexpr explicit result(in_place_t, Args &&...args) noexcept : has_(true)
	{
		new (&value_) T(forward<Args>(args)...);
	}
	/** Failure. */
	constexpr result(kstd::error e) noexcept : err_(e), has_(false) {}

	/** Success holding a U convertible to T (unique_ptr<Derived> -> ...). */
	// clang-format off
	template <class U>
		requires(!is_same_v<U, T> && is_convertible_v<U &&, T>)
	constexpr result(result<U> &&other) noexcept : has_(other.has_value())
	// clang-format on
	{
		if (has_)
			new (&value_) T(move(other).value());
		else
			err_ = other.error();
	}

	/** Move: takes the value (moved) or the error of @p other. */
	result(result &&other) noexcept : has_(other.has_)
	{
		if (has_)
			new (&value_) T(move(other.value_));
		else
			err_ = other.err_;
	}
	/** Move assignment: destroys the current value first. */
	result &operator=(result &&other) noexcept
	{
		if (this != &other) {
			/* other may be owned by our value: take it before destroying that. */
			result taken(move(other));
			this->~result();
			new (this) result(move(taken));
		}
		return *this;
	}
	result(const result &) = delete;
	result &operator=(const result &) = delete;

	~result()
	{
		if (has_)
			value_.~T();
	}

	/** Does it hold a value (success)? */
	[[nodiscard]] constexpr bool has_value() const noexcept { return has_; }
	/** Same as has_value(). */
	constexpr explicit operator bool() const noexcept { return has_; }

	/**
	 * @name Access to the value
	 * Only call these on success: on an error they WARN and then trap
	 * (an oops, like BUG()), since there is no value to return.  The
	 * rvalue forms move the value out.
	 */
	///@{
	/** The value. */
	[[nodiscard]] T &value() &noexcept
	{
		check_value();
		return value_;
	}
	/** The value. */
	[[nodiscard]] const T &value() const &noexcept
	{
		check_value();
		return value_;
	}
	/** The value, moved out: `move(r).value()`. */
	[[nodiscard]] T &&value() &&noexcept
	{
		check_value();
		return move(value_);
	}
	/** value(). */
	T &operator*() &noexcept { return value(); }
	/** value(), read-only. */
	const T &operator*() const &noexcept { return value(); }
	/** The value, moved out. */
	T &&operator*() &&noexcept { return move(*this).value(); }
	/** Member access to the value. */
	T *operator->() noexcept { return &value(); }
	///@}

	/** The error; kstd::error::inval() (with a WARN) if there is none. */
	[[nodiscard]] kstd::error error() const noexcept
	{
		if (has_) [[unlikely]]
			warn_no_error();
		return has_ ? kstd::error::inval() : err_;
	}

	/** 0 on success, else the negative errno. */
	[[nodiscard]] int to_errno() const noexcept { return has_ ? 0 : err_.to_errno(); }

	/** The value, or @p fallback on failure. */
	template <class U>
	[[nodiscard]] T value_or(U &&fallback) &&noexcept
	{
		return has_ ? move(value_) : T(forward<U>(fallback));
	}

private:
	void check_value() const noexcept;
	static void warn_no_error() noexcept;

	union {
		T value_;
		kstd::error err_;
	};
	bool has_;
};

/** result<void>: success or an error, nothing else. */
template <>
class [[nodiscard]] result<void> {
public:
	/// void.
	using value_type = void;

	/** Success (`return {};`). */
	constexpr result() noexcept : err_(0) {}
	/** Failure. */
	constexpr result(kstd::error e) noexcept : err_(e.to_errno()) {}

	/** Success? */
	[[nodiscard]] constexpr bool has_value() const noexcept { return err_ == 0; }
	/** Same as has_value(). */
	constexpr explicit operator bool() const noexcept { return err_ == 0; }
	/** Nothing to return; lets KSTD_TRY() work on result<void>. */
	constexpr void value() const noexcept {}
	/** The error; -EINVAL if there is none (call only on failure). */
	[[nodiscard]] kstd::error error() const noexcept { return kstd::error::from_errno(err_); }
	/** 0 on success, else the negative errno. */
	[[nodiscard]] constexpr int to_errno() const noexcept { return err_; }

private:
	int err_;
};

/**
 * A kernel int return (0 or positive on success, negative errno on
 * failure) as a result.  The non-negative value is kept.
 */
[[nodiscard]] inline result<int> from_errno(int ret) noexcept
{
	if (ret < 0)
		return error::from_errno(ret);
	return ret;
}

/** A kernel 0-or-negative-errno return as a result<void>. */
[[nodiscard]] inline result<void> to_result(int ret) noexcept
{
	if (ret < 0)
		return error::from_errno(ret);
	return {};
}

/** A pointer that may be ERR_PTR() (or NULL, reported as @p if_null). */
template <class T>
[[nodiscard]] inline result<T *> from_err_ptr(T *p, error if_null = error::nomem()) noexcept
{
	if (is_err_ptr(p))
		// SAFETY: is_err_ptr(p): the address is in [-MAX_ERRNO, -1], so
		// it fits an int without loss (PTR_ERR()); from_errno() checks
		// the range again anyway.
		return error::from_errno(static_cast<int>(reinterpret_cast<__INTPTR_TYPE__>(p)));
	if (!p)
		return if_null;
	return p;
}

} // namespace kstd

#include <kstd/bindings.h>

template <class T>
inline void kstd::result<T>::check_value() const noexcept
{
	if (!has_) [[unlikely]] {
		kstd_warn(__FILE__, __LINE__, "value() of a result holding an error");
		/* objtool wants noreturn helpers it knows: trap here instead. */
		__builtin_trap();
	}
}

template <class T>
inline void kstd::result<T>::warn_no_error() noexcept
{
	kstd_warn(__FILE__, __LINE__, "error() of a result holding a value");
}

/**
 * Evaluate a result-returning expression; on failure return its error from
 * the enclosing function (which must return a kstd::result or kstd::error),
 * on success yield the value (moved out).
 *
 * @noop example(kstd::tcp_stream &sock, kstd::size_t len)
 * @code
 * auto buf = KSTD_TRY(kstd::make_unique<u8[]>(kstd::gfp::kernel, len));
 * KSTD_TRY(sock.send_all(buf.get(), len));
 * @endcode
 */
#define KSTD_TRY(expr)                                                                             \
	({                                                                                         \
		auto &&kstd_try_result_ = (expr);                                                  \
		if (!kstd_try_result_) [[unlikely]]                                                \
			return kstd_try_result_.error();                                           \
		::kstd::move(kstd_try_result_).value();                                            \
	})

#endif // KSTD_RESULT_HPP
