// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file string.hpp
 * @brief Bounded text handling: kstd::string_view, kstd::fixed_string<N>,
 *        strict integer parsers.
 *
 * Everything here works on (pointer, length) pairs and never reads past the
 * length: no operation needs a NUL terminator, and slicing clamps instead of
 * overrunning.  Parsers accept exactly the documented syntax (no leading or
 * trailing blanks, no signs where none make sense, no silent truncation)
 * and return a kstd::parse_result<T>, which reports why parsing failed
 * (kstd::parse_errc::invalid for bad syntax, parse_errc::range for a value that does
 * not fit).  In kernel code a failed parse_result converts to kstd::error
 * (-EINVAL or -ERANGE), so KSTD_TRY() works on it.
 *
 * @noop example(kstd::string_view name, u32 n)
 * @code
 * kstd::result<void> handle(kstd::string_view line)   // "NAME COUNT"
 * {
 *         auto [name, count, two] = line.trim().split_once(' ');
 *         if (!two)
 *                 return kstd::error::inval();
 *         u32 n = KSTD_TRY(kstd::parse_u32(count.trim()));
 *         ...
 *         return {};
 * }
 *
 * u16 port = KSTD_TRY(kstd::parse_u16("8080"));
 * kstd::fixed_string<64> s;
 * s.appendf("%u requests", n);                        // truncates, never overflows
 * if (kstd::iequals(name, "content-length")) ...
 * @endcode
 *
 * Freestanding: no kernel header, no generated layout; the only external
 * function is vsnprintf() (the kernel's, or the C library's on the host),
 * used by fixed_string::appendf().  It compiles on the host with
 * `g++ -std=c++20 -ffreestanding -I include` for host-side unit tests and
 * fuzzers.  Everything is usable in any context (nothing sleeps or
 * allocates); most of it is constexpr.
 */
#ifndef KSTD_STRING_HPP
#define KSTD_STRING_HPP

#include <kstd/bindings/kernel_if.h>
#include <kstd/span.hpp>

namespace kstd {

class error;

/* ---- characters ----------------------------------------------------------- */

/** ASCII classification; bytes >= 0x80 are never letters, digits or space. */
[[nodiscard]] constexpr bool is_digit(char c) noexcept
{
	return c >= '0' && c <= '9';
}
/** A hex digit: 0-9, a-f, A-F. */
[[nodiscard]] constexpr bool is_xdigit(char c) noexcept
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/** An ASCII letter. */
[[nodiscard]] constexpr bool is_alpha(char c) noexcept
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/** Space, tab, CR, LF, vertical tab, form feed. */
[[nodiscard]] constexpr bool is_space(char c) noexcept
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
/** ASCII lower case (other bytes unchanged). */
[[nodiscard]] constexpr char to_lower(char c) noexcept
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
/** ASCII upper case (other bytes unchanged). */
[[nodiscard]] constexpr char to_upper(char c) noexcept
{
	return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
/** Value of a hex digit, or -1. */
[[nodiscard]] constexpr int hex_value(char c) noexcept
{
	if (is_digit(c))
		return c - '0';
	c = to_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* ---- string_view ---------------------------------------------------------- */

class string_view;

/** Result of string_view::split_once(): the parts around the first separator. */
struct split_pair;

/**
 * A read-only view of @c size() bytes (not necessarily NUL-terminated, may
 * contain NULs).  Cheap to copy.  Positions past the end are clamped by
 * every operation, so no call can read outside the view; operator[] alone
 * is unchecked (use it after a size check).
 */
class string_view {
public:
	/** "Not found" for the find functions; "to the end" for substr(). */
	static constexpr size_t npos = size_t(-1);

	constexpr string_view() noexcept = default;
	/** @p size bytes at @p data (null only with size 0). */
	constexpr string_view(const char *data, size_t size) noexcept
		: data_(data), size_(data ? size : 0)
	{
	}
	/**
	 * A NUL-terminated C string (null is the empty view).  Always inlined,
	 * so that a literal's length is a constant, not a strlen() call.
	 */
	[[gnu::always_inline]] constexpr string_view(const char *cstr) noexcept
		: data_(cstr), size_(cstr ? __builtin_strlen(cstr) : 0)
	{
	}
	/** A span of chars. */
	constexpr string_view(span<const char> s) noexcept : data_(s.data()), size_(s.size()) {}

	/** The first byte (not NUL-terminated). */
	[[nodiscard]] constexpr const char *data() const noexcept { return data_; }
	/** The length in bytes. */
	[[nodiscard]] constexpr size_t size() const noexcept { return size_; }
	/** Same as size(). */
	[[nodiscard]] constexpr size_t length() const noexcept { return size_; }
	/** No bytes? */
	[[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
	/** Iteration: the first byte. */
	constexpr const char *begin() const noexcept { return data_; }
	/** Iteration: one past the last byte. */
	constexpr const char *end() const noexcept { return data_ + size_; }

	/** Byte @p i, unchecked: @p i must be below size(). */
	constexpr char operator[](size_t i) const noexcept { return data_[i]; }
	/** Byte @p i, or `'\0'` if @p i is out of range. */
	[[nodiscard]] constexpr char at(size_t i) const noexcept
	{
		return i < size_ ? data_[i] : '\0';
	}
	/** The first byte, `'\0'` if empty. */
	[[nodiscard]] constexpr char front() const noexcept { return at(0); }
	/** The last byte, `'\0'` if empty. */
	[[nodiscard]] constexpr char back() const noexcept
	{
		return size_ ? data_[size_ - 1] : '\0';
	}

	/** The bytes, for code that handles binary data. */
	[[nodiscard]] span<const u8> bytes() const noexcept
	{
		// SAFETY: char and unsigned char (u8) have the same size and
		// may alias; the view's size_ bytes stay the span's bound.
		return span<const u8>(reinterpret_cast<const u8 *>(data_), size_);
	}

	/** Up to @p n bytes from @p pos; empty if @p pos is past the end. */
	[[nodiscard]] constexpr string_view substr(size_t pos, size_t n = npos) const noexcept
	{
		if (pos >= size_)
			return string_view(data_ + size_, 0);
		size_t left = size_ - pos;
		return string_view(data_ + pos, n < left ? n : left);
	}
	/** The first min(n, size()) bytes. */
	[[nodiscard]] constexpr string_view first(size_t n) const noexcept { return substr(0, n); }
	/** The last min(n, size()) bytes. */
	[[nodiscard]] constexpr string_view last(size_t n) const noexcept
	{
		return n < size_ ? substr(size_ - n) : *this;
	}
	/** Drop min(n, size()) bytes from the front. */
	constexpr void remove_prefix(size_t n) noexcept { *this = substr(n); }
	/** Drop min(n, size()) bytes from the back. */
	constexpr void remove_suffix(size_t n) noexcept { size_ -= n < size_ ? n : size_; }

	/** Byte-wise comparison: <0, 0, >0 like memcmp, shorter first on a tie. */
	[[nodiscard]] constexpr int compare(string_view o) const noexcept
	{
		size_t n = size_ < o.size_ ? size_ : o.size_;
		for (size_t i = 0; i < n; i++) {
			unsigned char a = data_[i], b = o.data_[i];
			if (a != b)
				return a < b ? -1 : 1;
		}
		return size_ == o.size_ ? 0 : (size_ < o.size_ ? -1 : 1);
	}
	/** Same bytes. */
	friend constexpr bool operator==(string_view a, string_view b) noexcept
	{
		return a.size_ == b.size_ && a.compare(b) == 0;
	}

	/** Begins with @p p? */
	[[nodiscard]] constexpr bool starts_with(string_view p) const noexcept
	{
		return p.size_ <= size_ && first(p.size_) == p;
	}
	/** Begins with @p c? */
	[[nodiscard]] constexpr bool starts_with(char c) const noexcept
	{
		return size_ && data_[0] == c;
	}
	/** Ends with @p p? */
	[[nodiscard]] constexpr bool ends_with(string_view p) const noexcept
	{
		return p.size_ <= size_ && last(p.size_) == p;
	}
	/** Ends with @p c? */
	[[nodiscard]] constexpr bool ends_with(char c) const noexcept
	{
		return size_ && data_[size_ - 1] == c;
	}

	/** ASCII case-insensitive equality. */
	[[nodiscard]] constexpr bool iequals(string_view o) const noexcept
	{
		if (size_ != o.size_)
			return false;
		for (size_t i = 0; i < size_; i++)
			if (to_lower(data_[i]) != to_lower(o.data_[i]))
				return false;
		return true;
	}
	/** Begins with @p p, ignoring ASCII case? */
	[[nodiscard]] constexpr bool istarts_with(string_view p) const noexcept
	{
		return p.size_ <= size_ && first(p.size_).iequals(p);
	}
	/** Ends with @p p, ignoring ASCII case? */
	[[nodiscard]] constexpr bool iends_with(string_view p) const noexcept
	{
		return p.size_ <= size_ && last(p.size_).iequals(p);
	}

	/** Position of the first @p c at or after @p pos, or npos. */
	[[nodiscard]] constexpr size_t find(char c, size_t pos = 0) const noexcept
	{
		for (size_t i = pos; i < size_; i++)
			if (data_[i] == c)
				return i;
		return npos;
	}
	/** Position of the first occurrence of @p s at or after @p pos, or npos. */
	[[nodiscard]] constexpr size_t find(string_view s, size_t pos = 0) const noexcept
	{
		if (s.size_ > size_)
			return npos;
		for (size_t i = pos; i <= size_ - s.size_; i++)
			if (substr(i, s.size_) == s)
				return i;
		return npos;
	}
	/** Position of the last @p c, or npos. */
	[[nodiscard]] constexpr size_t rfind(char c) const noexcept
	{
		for (size_t i = size_; i > 0; i--)
			if (data_[i - 1] == c)
				return i - 1;
		return npos;
	}
	/** First byte at or after @p pos that is one of @p set, or npos. */
	[[nodiscard]] constexpr size_t find_first_of(string_view set, size_t pos = 0) const noexcept
	{
		for (size_t i = pos; i < size_; i++)
			if (set.find(data_[i]) != npos)
				return i;
		return npos;
	}
	/** First byte at or after @p pos that is not one of @p set, or npos. */
	[[nodiscard]] constexpr size_t find_first_not_of(string_view set,
							 size_t pos = 0) const noexcept
	{
		for (size_t i = pos; i < size_; i++)
			if (set.find(data_[i]) == npos)
				return i;
		return npos;
	}
	/** Holds @p c? */
	[[nodiscard]] constexpr bool contains(char c) const noexcept { return find(c) != npos; }
	/** Holds @p s? */
	[[nodiscard]] constexpr bool contains(string_view s) const noexcept
	{
		return find(s) != npos;
	}

	/** Without leading ASCII blanks (is_space()). */
	[[nodiscard]] constexpr string_view trim_left() const noexcept
	{
		size_t i = 0;
		while (i < size_ && is_space(data_[i]))
			i++;
		return substr(i);
	}
	/** Without trailing ASCII blanks. */
	[[nodiscard]] constexpr string_view trim_right() const noexcept
	{
		size_t n = size_;
		while (n > 0 && is_space(data_[n - 1]))
			n--;
		return first(n);
	}
	/** Without leading and trailing ASCII blanks. */
	[[nodiscard]] constexpr string_view trim() const noexcept
	{
		return trim_left().trim_right();
	}

	/** Split at the first @p sep (see split_pair). */
	[[nodiscard]] constexpr split_pair split_once(char sep) const noexcept;

	class split_range;
	/**
	 * The fields between separators, for range-for: "a,,b" gives "a", "",
	 * "b"; "a," gives "a", ""; the empty view gives nothing.
	 */
	[[nodiscard]] constexpr split_range split(char sep) const noexcept;
	class word_range;
	/** The words separated by runs of blanks (is_space()); no empty words. */
	[[nodiscard]] constexpr word_range words() const noexcept;

private:
	const char *data_ = nullptr;
	size_t size_ = 0;
};

/** Result of string_view::split_once(): the parts around the first separator. */
struct split_pair {
	/** Before the separator (everything if there is none). */
	string_view head;
	/** After the separator (empty if there is none). */
	string_view tail;
	/** Was the separator found? */
	bool found;
};

constexpr split_pair string_view::split_once(char sep) const noexcept
{
	size_t i = find(sep);
	if (i == npos)
		return {*this, string_view(data_ + size_, 0), false};
	return {first(i), substr(i + 1), true};
}

/** The range string_view::split() returns: the fields, for range-for. */
class string_view::split_range {
public:
	/** A forward iterator over the fields. */
	class iterator {
	public:
		/** At the first field of @p rest (at the end if @p done). */
		constexpr iterator(string_view rest, char sep, bool done) noexcept
			: rest_(rest), sep_(sep), done_(done)
		{
			advance();
		}
		/** The current field. */
		constexpr string_view operator*() const noexcept { return cur_; }
		/** To the next field. */
		constexpr iterator &operator++() noexcept
		{
			advance();
			return *this;
		}
		/** Both at the end, or both not (compare with end() only). */
		constexpr bool operator==(const iterator &o) const noexcept
		{
			return at_end_ == o.at_end_;
		}

	private:
		constexpr void advance() noexcept
		{
			if (done_) {
				at_end_ = true;
				return;
			}
			split_pair p = rest_.split_once(sep_);
			cur_ = p.head;
			rest_ = p.tail;
			done_ = !p.found;
		}
		string_view rest_, cur_;
		char sep_;
		bool done_, at_end_ = false;
	};
	/** The fields of @p s separated by @p sep. */
	constexpr split_range(string_view s, char sep) noexcept : s_(s), sep_(sep) {}
	/** The first field. */
	constexpr iterator begin() const noexcept { return iterator(s_, sep_, s_.empty()); }
	/** The end. */
	constexpr iterator end() const noexcept { return iterator(s_, sep_, true); }

private:
	string_view s_;
	char sep_;
};

constexpr string_view::split_range string_view::split(char sep) const noexcept
{
	return split_range(*this, sep);
}

/** The range string_view::words() returns: the words, for range-for. */
class string_view::word_range {
public:
	/** A forward iterator over the words. */
	class iterator {
	public:
		/** At the first word of @p rest. */
		constexpr explicit iterator(string_view rest) noexcept : rest_(rest) { advance(); }
		/** The current word. */
		constexpr string_view operator*() const noexcept { return cur_; }
		/** To the next word. */
		constexpr iterator &operator++() noexcept
		{
			advance();
			return *this;
		}
		/** Both at the end, or both not (compare with end() only). */
		constexpr bool operator==(const iterator &o) const noexcept
		{
			return cur_.empty() == o.cur_.empty();
		}

	private:
		constexpr void advance() noexcept
		{
			string_view r = rest_.trim_left();
			size_t i = 0;
			while (i < r.size() && !is_space(r[i]))
				i++;
			cur_ = r.first(i);
			rest_ = r.substr(i);
		}
		string_view rest_, cur_;
	};
	/** The words of @p s. */
	constexpr explicit word_range(string_view s) noexcept : s_(s) {}
	/** The first word. */
	constexpr iterator begin() const noexcept { return iterator(s_); }
	/** The end. */
	constexpr iterator end() const noexcept { return iterator(string_view()); }

private:
	string_view s_;
};

constexpr string_view::word_range string_view::words() const noexcept
{
	return word_range(*this);
}

/** ASCII case-insensitive equality (HTTP header names, methods...). */
[[nodiscard]] constexpr bool iequals(string_view a, string_view b) noexcept
{
	return a.iequals(b);
}

inline namespace literals {
/** "text"_sv: a string_view of a literal, embedded NULs included. */
constexpr string_view operator""_sv(const char *s, size_t n) noexcept
{
	return string_view(s, n);
}
} // namespace literals

/* ---- fixed_string --------------------------------------------------------- */

/**
 * A string of at most @p N bytes stored inline (N + 1 bytes with the
 * terminating NUL, which is always present).  Appending never overflows:
 * what does not fit is cut off, the append reports false and truncated()
 * stays true until clear().  No allocation; usable in any context.
 */
template <size_t N>
class fixed_string {
	static_assert(N > 0, "fixed_string<0> can hold nothing");

public:
	constexpr fixed_string() noexcept = default;
	/** A copy of @p s, truncated to N bytes. */
	constexpr explicit fixed_string(string_view s) noexcept { append(s); }

	/** N: the most bytes it holds. */
	[[nodiscard]] static constexpr size_t capacity() noexcept { return N; }
	/** The length in bytes. */
	[[nodiscard]] constexpr size_t size() const noexcept { return len_; }
	/** No bytes? */
	[[nodiscard]] constexpr bool empty() const noexcept { return len_ == 0; }
	/** Bytes that can still be appended. */
	[[nodiscard]] constexpr size_t available() const noexcept { return N - len_; }
	/** Did an append since the last clear() not fit? */
	[[nodiscard]] constexpr bool truncated() const noexcept { return truncated_; }
	/** The bytes (NUL-terminated, like c_str()). */
	[[nodiscard]] constexpr const char *data() const noexcept { return buf_; }
	/** NUL-terminated (for C APIs and `%s`). */
	[[nodiscard]] constexpr const char *c_str() const noexcept { return buf_; }
	/** The contents as a string_view (valid while this object lives and is unchanged). */
	[[nodiscard]] constexpr string_view view() const noexcept
	{
		return string_view(buf_, len_);
	}
	/** view(). */
	constexpr operator string_view() const noexcept { return view(); }

	/** Empty the string and reset truncated(). */
	constexpr void clear() noexcept
	{
		len_ = 0;
		buf_[0] = '\0';
		truncated_ = false;
	}
	/** Replace the contents with @p s; false if it had to be truncated. */
	constexpr bool assign(string_view s) noexcept
	{
		clear();
		return append(s);
	}
	/** Append as much of @p s as fits; false if not all of it did. */
	constexpr bool append(string_view s) noexcept
	{
		size_t n = s.size() < available() ? s.size() : available();
		for (size_t i = 0; i < n; i++)
			buf_[len_ + i] = s[i];
		len_ += n;
		buf_[len_] = '\0';
		if (n < s.size())
			truncated_ = true;
		return n == s.size();
	}
	/** Append @p c if it fits; false if not. */
	constexpr bool push_back(char c) noexcept { return append(string_view(&c, 1)); }

	/**
	 * Append printf-style output (the kernel's vsnprintf(), with its `%p`
	 * extensions; the compiler checks the arguments), truncated to fit;
	 * false if truncated.
	 */
	__attribute__((format(printf, 2, 3))) bool appendf(const char *fmt, ...) noexcept
	{
		__builtin_va_list ap;
		__builtin_va_start(ap, fmt);
		bool ok = vappendf(fmt, ap);
		__builtin_va_end(ap);
		return ok;
	}
	/** appendf() with a va_list. */
	__attribute__((format(printf, 2, 0))) bool vappendf(const char *fmt,
							    __builtin_va_list ap) noexcept
	{
		size_t room = N - len_ + 1;
		// SAFETY: buf_ has N + 1 bytes and len_ <= N (every writer keeps
		// it so), so room bytes from buf_ + len_ are inside buf_.
		int n = vsnprintf(buf_ + len_, room, fmt, ap);
		if (n < 0) {
			buf_[len_] = '\0';
			truncated_ = true;
			return false;
		}
		if (static_cast<size_t>(n) >= room) {
			len_ = N;
			truncated_ = true;
			return false;
		}
		len_ += static_cast<size_t>(n);
		return true;
	}

	/** Same bytes as @p b? */
	friend constexpr bool operator==(const fixed_string &a, string_view b) noexcept
	{
		return a.view() == b;
	}

private:
	char buf_[N + 1] = {};
	size_t len_ = 0;
	bool truncated_ = false;
};

/* ---- parse results -------------------------------------------------------- */

/** Why a parse failed. */
enum class parse_errc : u8 {
	/** Syntax: empty, a bad character, a missing or extra part. */
	invalid = 1,
	/** Well-formed, but the value does not fit the type or the range. */
	range = 2,
};

/**
 * A parse failure.  Compares with kstd::parse_errc; in kernel code it also
 * converts to kstd::error (-EINVAL for invalid, -ERANGE for range) and so
 * to any kstd::result, which is what makes KSTD_TRY(parse_...) work.
 */
class parse_error {
public:
	/** A failure of kind @p c. */
	constexpr parse_error(parse_errc c) noexcept : code_(c) {}
	/** The kind of failure. */
	[[nodiscard]] constexpr parse_errc code() const noexcept { return code_; }
	/** Is @p a a failure of kind @p b? */
	friend constexpr bool operator==(parse_error a, parse_errc b) noexcept
	{
		return a.code_ == b;
	}
	/** Same kind of failure. */
	friend constexpr bool operator==(parse_error a, parse_error b) noexcept
	{
		return a.code_ == b.code_;
	}
	/** "invalid" / "out of range", for messages. */
	[[nodiscard]] constexpr const char *what() const noexcept
	{
		return code_ == parse_errc::range ? "out of range" : "invalid";
	}

	/**
	 * kstd::error or anything built from one (kstd::result<T>), if
	 * `<kstd/result.hpp>` is included: -EINVAL or -ERANGE.
	 */
	template <class R, class E = error>
	requires requires { R(E::inval()); }
	constexpr operator R() const noexcept
	{
		return R(code_ == parse_errc::range ? E::range() : E::inval());
	}

private:
	parse_errc code_;
};

/**
 * A parsed T, or a parse_error.  Test with `if (r)`, read value() only on
 * success (otherwise it is a value-initialised T), error() only on failure.
 * Usable with KSTD_TRY() in kernel code.
 */
template <class T>
class [[nodiscard]] parse_result {
public:
	/// The parsed type T.
	using value_type = T;

	/** Success holding @p v. */
	constexpr parse_result(const T &v) noexcept : value_(v), err_(0) {}
	/** Failure of kind @p e. */
	constexpr parse_result(parse_errc e) noexcept : value_(), err_(static_cast<u8>(e)) {}
	/** Failure @p e. */
	constexpr parse_result(parse_error e) noexcept : value_(), err_(static_cast<u8>(e.code()))
	{
	}

	/** Success? */
	[[nodiscard]] constexpr bool has_value() const noexcept { return err_ == 0; }
	/** Same as has_value(). */
	constexpr explicit operator bool() const noexcept { return err_ == 0; }
	/** The value (a value-initialised T on failure). */
	[[nodiscard]] constexpr const T &value() const &noexcept { return value_; }
	/** The value (a value-initialised T on failure); lets KSTD_TRY() work. */
	[[nodiscard]] constexpr T value() &&noexcept { return value_; }
	/** value(). */
	constexpr const T &operator*() const noexcept { return value_; }
	/** Member access to the value. */
	constexpr const T *operator->() const noexcept { return &value_; }
	/** The value, or @p fallback on failure. */
	[[nodiscard]] constexpr T value_or(const T &fallback) const noexcept
	{
		return err_ ? fallback : value_;
	}
	/** The failure (parse_errc::invalid if there was none: check first). */
	[[nodiscard]] constexpr parse_error error() const noexcept
	{
		return parse_error(err_ ? static_cast<parse_errc>(err_) : parse_errc::invalid);
	}

private:
	T value_;
	u8 err_;
};

/* ---- integers ------------------------------------------------------------- */

/** Which digits an integer parser accepts. */
enum class int_base : u8 {
	/** Decimal digits only. */
	dec = 10,
	/** Hex digits only (no "0x" prefix), either case. */
	hex = 16,
	/** "0x"/"0X" followed by hex digits, otherwise decimal (never octal). */
	any = 0,
};

namespace detail {
template <class T, class... U>
inline constexpr bool is_one_of = (__is_same(T, U) || ...);
/* The integer types the parsers handle (not char, bool or enums). */
template <class T>
inline constexpr bool parse_int_ok =
	is_one_of<T, unsigned char, unsigned short, unsigned int, unsigned long, unsigned long long,
		  signed char, short, int, long, long long>;

/* The largest T, as a u64. */
template <class T>
inline constexpr u64 int_max = T(-1) < T(0) ? (u64(1) << (8 * sizeof(T) - 1)) - 1 : u64(T(~T(0)));

/* Magnitude of digits in @s, at most @limit; the status if it fails. */
constexpr parse_errc parse_magnitude(string_view s, int_base base, u64 limit, u64 &out) noexcept
{
	unsigned radix = 10;
	if (base == int_base::hex) {
		radix = 16;
	} else if (base == int_base::any && s.size() >= 2 && s[0] == '0' &&
		   (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s.remove_prefix(2);
	}
	if (s.empty())
		return parse_errc::invalid;
	for (char c : s) {
		int d = hex_value(c);
		if (d < 0 || unsigned(d) >= radix)
			return parse_errc::invalid;
	}
	u64 v = 0;
	for (char c : s) {
		if (__builtin_mul_overflow(v, u64(radix), &v) ||
		    __builtin_add_overflow(v, u64(hex_value(c)), &v) || v > limit)
			return parse_errc::range;
	}
	out = v;
	return parse_errc{};
}
} // namespace detail

/**
 * Parse all of @p s as a T.  Accepted: one or more digits of @p base
 * (leading zeros allowed), preceded by '-' for signed T only; nothing else,
 * not even blanks or a `"\n"` (trim first).  invalid for bad syntax (syntax is
 * checked before magnitude), range if the value does not fit T.
 */
template <class T>
requires detail::parse_int_ok<T>
[[nodiscard]] constexpr parse_result<T> parse_int(string_view s,
						  int_base base = int_base::dec) noexcept
{
	constexpr bool is_signed = T(-1) < T(0);
	constexpr u64 max = detail::int_max<T>;
	bool neg = false;
	if constexpr (is_signed) {
		if (s.starts_with('-')) {
			neg = true;
			s.remove_prefix(1);
		}
	}
	u64 mag = 0;
	parse_errc e = detail::parse_magnitude(s, base, neg ? max + 1 : max, mag);
	if (e != parse_errc{})
		return e;
	if (neg)
		return mag == max + 1 ? T(-T(max) - 1) : T(-T(mag));
	return T(mag);
}

/** parse_int(), then range if the value is outside [@p lo, @p hi]. */
template <class T>
requires detail::parse_int_ok<T>
[[nodiscard]] constexpr parse_result<T> parse_int(string_view s, T lo, T hi,
						  int_base base = int_base::dec) noexcept
{
	parse_result<T> r = parse_int<T>(s, base);
	if (r && (r.value() < lo || r.value() > hi))
		return parse_errc::range;
	return r;
}

/** Decimal shorthands: parse_u16("8080").  This one: parse_int<u8>(). */
[[nodiscard]] constexpr parse_result<u8> parse_u8(string_view s) noexcept
{
	return parse_int<u8>(s);
}
/** Decimal parse_int<u16>(). */
[[nodiscard]] constexpr parse_result<u16> parse_u16(string_view s) noexcept
{
	return parse_int<u16>(s);
}
/** Decimal parse_int<u32>(). */
[[nodiscard]] constexpr parse_result<u32> parse_u32(string_view s) noexcept
{
	return parse_int<u32>(s);
}
/** Decimal parse_int<u64>(). */
[[nodiscard]] constexpr parse_result<u64> parse_u64(string_view s) noexcept
{
	return parse_int<u64>(s);
}
/** Decimal parse_int<s32>(). */
[[nodiscard]] constexpr parse_result<s32> parse_s32(string_view s) noexcept
{
	return parse_int<s32>(s);
}
/** Decimal parse_int<s64>(). */
[[nodiscard]] constexpr parse_result<s64> parse_s64(string_view s) noexcept
{
	return parse_int<s64>(s);
}

} // namespace kstd

#endif // KSTD_STRING_HPP
