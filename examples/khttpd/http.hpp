// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file http.hpp
 * @brief HTTP/1.x for servers: an incremental, bounded request parser
 *        (khttpd::http::request_parser), HTTP dates, byte ranges, path
 *        decoding and normalisation, MIME types, HTML and URL escaping, and
 *        a bounded output writer.
 *
 * The parser works on a buffer the caller owns and fills: pass it all the
 * bytes of the current request received so far (the same bytes as the
 * previous call plus whatever arrived since, at any split) and it scans
 * only the new ones.  It copies nothing and allocates nothing; the request
 * it reports is views into the buffer of the last call.  Every limit is
 * checked at the byte where it is crossed, so the outcome never depends on
 * how the bytes were split (feeding one byte at a time gives exactly what
 * feeding everything at once gives), and a limit error arrives as soon as
 * the limit is crossed, not when the buffer is full.
 *
 * @code
 * khttpd::http::request_parser p;                    // default limits
 * size_t len = 0;                                  // bytes in buf
 * for (;;) {
 *         len += recv(buf + len, sizeof(buf) - len);
 *         switch (p.parse(kstd::string_view(buf, len))) {
 *         case khttpd::http::parse_status::incomplete:
 *                 continue;                        // want more bytes
 *         case khttpd::http::parse_status::error:
 *                 return reply(p.error_status());  // 400, 414, 431, 501, 505...
 *         case khttpd::http::parse_status::complete:
 *                 break;
 *         }
 *         const khttpd::http::request &r = p.request();
 *         serve(r);                                // r.path, r.keep_alive...
 *         // Pipelining: the next request starts after the head and body.
 *         size_t used = p.consumed() + r.content_length;
 *         ...
 * }
 * @endcode
 *
 * What the parser enforces (RFC 9110/9112), and the status it reports:
 * - request line: `method SP request-target SP HTTP/d.d` with single
 *   spaces; longer than limits::max_request_line bytes (CRLF included):
 *   414; malformed: 400; a method token that is not one of GET, HEAD,
 *   POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH (case-sensitive):
 *   501; `HTTP/d.d` with a major version other than 1, or a version with
 *   more digits (HTTP/1.10, HTTP/10.0): 505; anything not starting with
 *   "HTTP/" or not made of digits: 400.  Empty lines before the request
 *   line are skipped (they count against the head limit).
 * - request-target: origin-form (`/path?query`), absolute-form
 *   (`http://host/path`, whose authority then is the host), asterisk-form
 *   (`*`, OPTIONS only) and authority-form (CONNECT only); bytes outside
 *   visible ASCII, and '#', are 400.
 * - head: more than limits::max_head bytes (request line to the empty line
 *   included) or more than limits::max_headers fields: 431.  Header names
 *   are tokens directly followed by ':' (whitespace before the colon: 400,
 *   RFC 9112 5.1); obsolete line folding, bare CR, NUL and other control
 *   characters in values: 400.  Lines end with CRLF or a bare LF.
 * - Host: required exactly once in HTTP/1.1 (missing or repeated: 400),
 *   characters of a URI authority only.
 * - Content-Length: digits only; two different values or a list: 400;
 *   above limits::max_body: 413.  Transfer-Encoding together with
 *   Content-Length, in HTTP/1.0, or not ending in "chunked": 400; a chunked
 *   request body is not parsed, the request is marked close_after (the
 *   server answers, then closes: RFC 9112 6.3 allows that).
 * - Connection: "close" and "keep-alive" tokens (any case, comma lists,
 *   repeated fields); keep_alive is HTTP/1.1's default unless "close",
 *   HTTP/1.0's only with "keep-alive".
 * - If-Modified-Since: an HTTP-date (IMF-fixdate, RFC 850 or asctime
 *   format); invalid or repeated: ignored, as RFC 9110 13.1.3 requires.
 * - Range: one `bytes=` range (`a-b`, `a-`, `-n`).  Invalid syntax, other
 *   units, a repeated field, several ranges, or an If-Range field: the
 *   Range field is ignored (RFC 9110 14.2 lets a server ignore Range; a
 *   full 200 is always a correct answer).  Servers apply it to GET only.
 *
 * Freestanding like <kstd/string.hpp>: no kernel header, nothing that
 * sleeps or allocates, usable in any context; it compiles on the host for
 * unit tests and the libFuzzer harness (examples/khttpd/tests/).
 */
#ifndef KHTTPD_HTTP_HPP
#define KHTTPD_HTTP_HPP

#include <kstd/span.hpp>
#include <kstd/string.hpp>
#include <kstd/types.hpp>

namespace khttpd::http {

using kstd::hex_value;
using kstd::is_alpha;
using kstd::is_digit;
using kstd::parse_errc;
using kstd::parse_error;
using kstd::parse_result;
using kstd::s64;
using kstd::size_t;
using kstd::span;
using kstd::string_view;
using kstd::u16;
using kstd::u32;
using kstd::u64;
using kstd::u8;

/* ---- methods and status codes -------------------------------------------- */

/** The request methods the parser knows (others are 501). */
enum class method : u8 {
	get,
	head,
	post,
	put,
	delete_,
	connect,
	options,
	trace,
	patch,
};

/** The method's name as sent on the wire ("GET"...). */
[[nodiscard]] constexpr string_view method_name(method m) noexcept
{
	switch (m) {
	case method::get:
		return "GET";
	case method::head:
		return "HEAD";
	case method::post:
		return "POST";
	case method::put:
		return "PUT";
	case method::delete_:
		return "DELETE";
	case method::connect:
		return "CONNECT";
	case method::options:
		return "OPTIONS";
	case method::trace:
		return "TRACE";
	case method::patch:
		return "PATCH";
	}
	return "";
}

/** The reason phrase of a status code ("Not Found"); "" for codes not listed. */
[[nodiscard]] constexpr string_view reason_phrase(unsigned int status) noexcept
{
	switch (status) {
	case 100:
		return "Continue";
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 206:
		return "Partial Content";
	case 301:
		return "Moved Permanently";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 416:
		return "Range Not Satisfiable";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	}
	return "";
}

/* ---- character classes (RFC 9110 5.6.2, RFC 3986) ------------------------ */

/** tchar: the characters of a token (method, header name). */
[[nodiscard]] constexpr bool is_tchar(char c) noexcept
{
	if (is_alpha(c) || is_digit(c))
		return true;
	switch (c) {
	case '!':
	case '#':
	case '$':
	case '%':
	case '&':
	case '\'':
	case '*':
	case '+':
	case '-':
	case '.':
	case '^':
	case '_':
	case '`':
	case '|':
	case '~':
		return true;
	}
	return false;
}

/** A byte that may appear in a field value: VCHAR, obs-text, SP, HTAB. */
[[nodiscard]] constexpr bool is_field_char(char c) noexcept
{
	unsigned char u = static_cast<unsigned char>(c);
	return u == '\t' || (u >= 0x20 && u != 0x7f);
}

/** RFC 3986 unreserved: ALPHA DIGIT - . _ ~ */
[[nodiscard]] constexpr bool is_unreserved(char c) noexcept
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/** A byte of a request-target: visible ASCII except '#'. */
[[nodiscard]] constexpr bool is_target_char(char c) noexcept
{
	return c > 0x20 && c < 0x7f && c != '#';
}

/** A byte of a URI authority (Host): unreserved, sub-delims, '%', ':', '[', ']', '@'. */
[[nodiscard]] constexpr bool is_authority_char(char c) noexcept
{
	if (is_unreserved(c))
		return true;
	switch (c) {
	case '!':
	case '$':
	case '&':
	case '\'':
	case '(':
	case ')':
	case '*':
	case '+':
	case ',':
	case ';':
	case '=':
	case '%':
	case ':':
	case '[':
	case ']':
	case '@':
		return true;
	}
	return false;
}

/* ---- dates ---------------------------------------------------------------- */

namespace detail {

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
constexpr s64 days_from_civil(s64 y, unsigned m, unsigned d) noexcept
{
	y -= m <= 2;
	const s64 era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = static_cast<unsigned>(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + static_cast<s64>(doe) - 719468;
}

struct civil {
	s64 year;
	unsigned month, day;
};

constexpr civil civil_from_days(s64 z) noexcept
{
	z += 719468;
	const s64 era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = static_cast<unsigned>(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const s64 y = static_cast<s64>(yoe) + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;
	return {y + (m <= 2), m, d};
}

constexpr bool is_leap(s64 y) noexcept
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(s64 y, unsigned m) noexcept
{
	constexpr unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

inline constexpr char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr char day_names[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr const char *long_day_names[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
						  "Thursday", "Friday", "Saturday"};

/* Exactly @n decimal digits at @s; -1 if not. */
constexpr int fixed_digits(string_view s, size_t n) noexcept
{
	if (s.size() < n)
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "Jan".."Dec" (case-sensitive, as RFC 9110 specifies): 1..12, or 0. */
constexpr unsigned month_number(string_view s) noexcept
{
	for (unsigned i = 0; i < 12; i++)
		if (s.first(3) == string_view(month_names[i], 3))
			return i + 1;
	return 0;
}

constexpr bool is_day_name(string_view s) noexcept
{
	for (const auto &n : day_names)
		if (s == string_view(n, 3))
			return true;
	return false;
}

constexpr bool is_long_day_name(string_view s) noexcept
{
	for (const char *n : long_day_names)
		if (s == string_view(n))
			return true;
	return false;
}

/* "HH:MM:SS" → seconds of the day, or -1. */
constexpr s64 time_of_day(string_view s) noexcept
{
	if (s.size() != 8 || s[2] != ':' || s[5] != ':')
		return -1;
	int h = fixed_digits(s, 2), m = fixed_digits(s.substr(3), 2),
	    sec = fixed_digits(s.substr(6), 2);
	if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60)
		return -1;
	if (sec == 60) /* a leap second: the same as :59 for comparisons */
		sec = 59;
	return h * 3600 + m * 60 + sec;
}

constexpr bool make_time(s64 year, unsigned month, int day, s64 tod, s64 &out) noexcept
{
	if (month == 0 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month) ||
	    tod < 0)
		return false;
	out = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + tod;
	return true;
}

} // namespace detail

/** Length of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
inline constexpr size_t http_date_size = 29;

/**
 * Parse an HTTP-date (RFC 9110 5.6.7) into seconds since the Unix epoch:
 * IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850 form
 * `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year below 70 is 20xx,
 * otherwise 19xx) and asctime `Sun Nov  6 08:49:37 1994`.  Exactly that
 * syntax (names are case-sensitive), dates before 1970 included (negative
 * results); anything else is parse_errc::invalid.
 */
[[nodiscard]] constexpr parse_result<s64> parse_http_date(string_view s) noexcept
{
	using namespace detail;
	s64 t = 0;
	bool ok = false;
	if (s.size() == 29 && s[3] == ',' && s[4] == ' ' && s[7] == ' ' && s[11] == ' ' &&
	    s[16] == ' ' && s[25] == ' ' && s.substr(26) == "GMT" && is_day_name(s.first(3))) {
		/* IMF-fixdate */
		int day = fixed_digits(s.substr(5), 2), year = fixed_digits(s.substr(12), 4);
		if (day >= 0 && year >= 0)
			ok = make_time(year, month_number(s.substr(8, 3)), day,
				       time_of_day(s.substr(17, 8)), t);
	} else if (size_t comma = s.find(',');
		   comma != string_view::npos && comma >= 6 && is_long_day_name(s.first(comma))) {
		/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
		string_view r = s.substr(comma);
		if (r.size() == 24 && r[1] == ' ' && r[4] == '-' && r[8] == '-' && r[11] == ' ' &&
		    r[20] == ' ' && r.substr(21) == "GMT") {
			int day = fixed_digits(r.substr(2), 2), yy = fixed_digits(r.substr(9), 2);
			if (day >= 0 && yy >= 0)
				ok = make_time(yy < 70 ? 2000 + yy : 1900 + yy,
					       month_number(r.substr(5, 3)), day,
					       time_of_day(r.substr(12, 8)), t);
		}
	} else if (s.size() == 24 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' && s[19] == ' ' &&
		   is_day_name(s.first(3))) {
		/* asctime: "Sun Nov  6 08:49:37 1994" */
		int day = s[8] == ' ' ? fixed_digits(s.substr(9), 1) : fixed_digits(s.substr(8), 2);
		int year = fixed_digits(s.substr(20), 4);
		if (day >= 0 && year >= 0)
			ok = make_time(year, month_number(s.substr(4, 3)), day,
				       time_of_day(s.substr(11, 8)), t);
	}
	if (!ok)
		return parse_errc::invalid;
	return t;
}

/**
 * Write @p t (seconds since the epoch, UTC) as an IMF-fixdate into
 * @p out, exactly http_date_size bytes, plus a NUL.  Years outside
 * 0..9999 are clamped to the nearest representable second.
 */
constexpr void format_http_date(s64 t, char (&out)[http_date_size + 1]) noexcept
{
	using namespace detail;
	constexpr s64 lo = -62167219200LL; /* 0000-01-01 00:00:00 */
	constexpr s64 hi = 253402300799LL; /* 9999-12-31 23:59:59 */
	t = t < lo ? lo : (t > hi ? hi : t);
	s64 days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	s64 secs = t - days * 86400;
	civil c = civil_from_days(days);
	unsigned wd = static_cast<unsigned>(((days % 7) + 11) % 7); /* 1970-01-01: Thursday */
	const char *dn = day_names[wd], *mn = month_names[c.month - 1];
	auto two = [](char *p, unsigned v) {
		p[0] = static_cast<char>('0' + v / 10);
		p[1] = static_cast<char>('0' + v % 10);
	};
	out[0] = dn[0];
	out[1] = dn[1];
	out[2] = dn[2];
	out[3] = ',';
	out[4] = ' ';
	two(out + 5, c.day);
	out[7] = ' ';
	out[8] = mn[0];
	out[9] = mn[1];
	out[10] = mn[2];
	out[11] = ' ';
	unsigned y = static_cast<unsigned>(c.year);
	two(out + 12, y / 100);
	two(out + 14, y % 100);
	out[16] = ' ';
	two(out + 17, static_cast<unsigned>(secs / 3600));
	out[19] = ':';
	two(out + 20, static_cast<unsigned>(secs / 60 % 60));
	out[22] = ':';
	two(out + 23, static_cast<unsigned>(secs % 60));
	out[25] = ' ';
	out[26] = 'G';
	out[27] = 'M';
	out[28] = 'T';
	out[29] = '\0';
}

/**
 * An IMF-fixdate formatted once per second it is asked for: a response's
 * Date, or a file's Last-Modified, repeats from one keep-alive request to
 * the next and then costs a comparison.  One per connection (no locking).
 */
class date_text {
public:
	/** @p t (seconds since the epoch, UTC) as an IMF-fixdate. */
	constexpr string_view of(s64 t) noexcept
	{
		if (!valid_ || t != secs_) {
			format_http_date(t, text_);
			secs_ = t;
			valid_ = true;
		}
		return string_view(text_, http_date_size);
	}

private:
	s64 secs_ = 0;
	bool valid_ = false;
	char text_[http_date_size + 1] = {};
};

/* ---- byte ranges ---------------------------------------------------------- */

/** One byte range from a Range field (RFC 9110 14.1.2). */
struct byte_range {
	/** Which form of range it is. */
	enum class kind : u8 {
		none,	 ///< no (usable) Range field
		from_to, ///< bytes=first-last
		from,	 ///< bytes=first-
		suffix,	 ///< bytes=-length (the last length bytes)
	};
	/** The form; kind::none if no Range header. */
	kind type = kind::none;
	u64 first = 0; ///< from_to, from: the first byte
	u64 last = 0;  ///< from_to: the last byte (inclusive); suffix: the length

	/** Was there a (usable) Range header? */
	[[nodiscard]] constexpr bool present() const noexcept { return type != kind::none; }
};

/** What a byte_range selects from a representation of a given size. */
struct range_selection {
	bool satisfiable; ///< false: 416, with "Content-Range: bytes *\/size"
	u64 offset;	  ///< first byte
	u64 length;	  ///< bytes from offset (at least 1 when satisfiable)
};

/**
 * Apply @p r to a representation of @p size bytes (RFC 9110 14.1.2): a
 * last position beyond the end is clipped, a suffix longer than the
 * representation selects all of it; a first position at or beyond the end,
 * or a zero-length suffix, is unsatisfiable (so is any range of an empty
 * representation).  @p r must be present().
 */
[[nodiscard]] constexpr range_selection select_range(const byte_range &r, u64 size) noexcept
{
	switch (r.type) {
	case byte_range::kind::from_to:
	case byte_range::kind::from: {
		if (r.first >= size)
			return {false, 0, 0};
		u64 last = r.type == byte_range::kind::from || r.last >= size ? size - 1 : r.last;
		return {true, r.first, last - r.first + 1};
	}
	case byte_range::kind::suffix:
		if (r.last == 0 || size == 0)
			return {false, 0, 0};
		return r.last >= size ? range_selection{true, 0, size}
				      : range_selection{true, size - r.last, r.last};
	case byte_range::kind::none:
		break;
	}
	return {true, 0, size};
}

namespace detail {
/* A u64 of 1..19 digits (so that it cannot overflow), or false. */
constexpr bool parse_range_pos(string_view s, u64 &out) noexcept
{
	if (s.empty() || s.size() > 19)
		return false;
	u64 v = 0;
	for (char c : s) {
		if (!is_digit(c))
			return false;
		v = v * 10 + static_cast<u64>(c - '0');
	}
	out = v;
	return true;
}
} // namespace detail

/**
 * Parse a Range field value.  Returns a present() range for exactly one
 * valid `bytes=` range-spec (unit case-insensitive, OWS around it and
 * around empty list elements allowed); kind::none for anything else:
 * another unit, bad syntax, last < first, or more than one range (which
 * this library chooses to ignore; see the file comment).
 */
[[nodiscard]] constexpr byte_range parse_range(string_view v) noexcept
{
	v = v.trim();
	if (!v.istarts_with("bytes="))
		return {};
	v.remove_prefix(6);
	byte_range result;
	int specs = 0;
	for (string_view spec : v.split(',')) {
		spec = spec.trim();
		if (spec.empty())
			continue; /* "#" lists allow empty elements */
		if (++specs > 1)
			return {};
		auto [a, b, dash] = spec.split_once('-');
		if (!dash)
			return {};
		u64 first = 0, last = 0;
		if (a.empty()) {
			if (!detail::parse_range_pos(b, last))
				return {};
			result = {byte_range::kind::suffix, 0, last};
		} else if (!detail::parse_range_pos(a, first) ||
			   (!b.empty() && (!detail::parse_range_pos(b, last) || last < first))) {
			return {};
		} else if (b.empty()) {
			result = {byte_range::kind::from, first, 0};
		} else {
			result = {byte_range::kind::from_to, first, last};
		}
	}
	return result;
}

/* ---- the request ---------------------------------------------------------- */

/** Limits of one request; a request beyond them is an error, never an overflow. */
struct limits {
	/** Request line, CRLF included; beyond: 414. */
	u32 max_request_line = 4096;
	/** Whole head: request line, fields, empty line; beyond: 431. */
	u32 max_head = 8192;
	/** Header fields; beyond: 431. */
	u32 max_headers = 64;
	/** Content-Length of a request body; beyond: 413. */
	u64 max_body = 1 << 20;
};

/** A parsed request head.  Views point into the buffer of the last parse(). */
struct request {
	/** The request method. */
	http::method method = method::get;
	/** The request-target as sent. */
	string_view target;
	/**
	 * The path, still percent-encoded (see normalize_path()): the
	 * origin-form target up to '?', the path of an absolute-form target
	 * ("/" if it has none), "*" for asterisk-form, the authority for
	 * CONNECT.
	 */
	string_view path;
	/** After the '?' (without it); empty if there is none. */
	string_view query;
	/** The Host field, or the authority of an absolute-form target. */
	string_view host;
	/** HTTP/1.minor: 0 or 1 (1.2 and later are reported as 1.1). */
	u8 version_minor = 1;
	/** May the connection carry another request after this one? */
	bool keep_alive = true;
	/** Does the client want the connection closed (or is the body unframed)? */
	bool close_after = false;
	/** If-Modified-Since, seconds since the epoch, when valid and single. */
	bool has_if_modified_since = false;
	/** If-Modified-Since as seconds since the epoch (when has_if_modified_since). */
	s64 if_modified_since = 0;
	/** The Range field, when usable (see parse_range()). */
	byte_range range;
	/** Content-Length of the body (0 without one); it follows the head. */
	u64 content_length = 0;
	/** Transfer-Encoding: chunked: a body of unknown length (close_after is set). */
	bool chunked = false;
	/** Expect: 100-continue was sent. */
	bool expect_continue = false;
	/** Number of header fields. */
	u32 header_count = 0;
};

/** What parse() found. */
enum class parse_status : u8 {
	incomplete, ///< valid so far; pass more bytes
	complete,   ///< request() is ready; the head took consumed() bytes
	error,	    ///< error_status() says which 4xx/5xx to answer (then close)
};

/**
 * The incremental request head parser; see the file comment for the rules.
 * One object per connection, reset() between requests.  Not thread-safe
 * (one connection's work runs at a time anyway).
 */
class request_parser {
public:
	constexpr request_parser() noexcept = default;
	/** A parser with the limits @p l. */
	constexpr explicit request_parser(const limits &l) noexcept : lim_(l) {}

	/** Forget the current request (keeps the limits). */
	constexpr void reset() noexcept
	{
		const limits l = lim_;
		*this = request_parser(l);
	}

	/**
	 * Scan @p buf: all bytes of this request received so far, starting
	 * with its first byte.  Each call's buffer must begin with the
	 * previous call's bytes; only the new ones are scanned.  Once
	 * complete or error, further calls return the same status.
	 */
	constexpr parse_status parse(string_view buf) noexcept
	{
		if (status_ != parse_status::incomplete)
			return status_;
		if (buf.size() < scanned_) { /* not an extension of the previous call */
			fail(400);
			return status_;
		}
		size_t pos = scanned_;
		for (;;) {
			/*
			 * Where the current line's limits are crossed: the first
			 * byte that may not be part of it.  Checked against the
			 * LF, or the end of the data when there is none yet, so
			 * the verdict does not depend on how the bytes arrived.
			 */
			u64 line_stop = phase_ == phase::request_line
						? u64(line_start_) + lim_.max_request_line
						: u64(-1);
			u64 stop = line_stop < lim_.max_head ? line_stop : u64(lim_.max_head);
			size_t lf = buf.find('\n', pos);
			size_t end = lf == string_view::npos ? buf.size() : lf;
			if (end >= stop) {
				fail(line_stop <= lim_.max_head ? 414 : 431);
				return status_;
			}
			if (lf == string_view::npos) {
				pos = buf.size();
				break;
			}
			size_t start = line_start_;
			size_t content_end = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
			line_start_ = static_cast<u32>(lf + 1);
			pos = lf + 1;
			string_view line = buf.substr(start, content_end - start);
			if (!on_line(buf, line, static_cast<u32>(start)))
				break;
		}
		scanned_ = static_cast<u32>(pos);
		if (status_ == parse_status::complete)
			finish(buf);
		return status_;
	}

	/** The request; complete only after parse() returned complete. */
	[[nodiscard]] constexpr const http::request &request() const noexcept { return req_; }
	/** After an error: the status to answer (400, 413, 414, 431, 501, 505). */
	[[nodiscard]] constexpr unsigned int error_status() const noexcept { return error_; }
	/** After complete: bytes of the head (the body, if any, follows). */
	[[nodiscard]] constexpr size_t consumed() const noexcept { return line_start_; }
	/** Where parsing stands. */
	[[nodiscard]] constexpr parse_status status() const noexcept { return status_; }
	/** Bytes scanned so far (the request started if > 0). */
	[[nodiscard]] constexpr size_t scanned() const noexcept { return scanned_; }
	/** The limits in force. */
	[[nodiscard]] constexpr const limits &limit() const noexcept { return lim_; }

private:
	enum class phase : u8 { request_line, headers };

	/* Offsets of a view into the buffer, turned back into views by finish(). */
	struct slice {
		u32 off = 0, len = 0;
		constexpr string_view in(string_view buf) const noexcept
		{
			return buf.substr(off, len);
		}
	};

	constexpr slice at(string_view buf, string_view part) const noexcept
	{
		return {static_cast<u32>(part.data() - buf.data()), static_cast<u32>(part.size())};
	}

	constexpr bool fail(unsigned int status) noexcept
	{
		status_ = parse_status::error;
		error_ = static_cast<u16>(status);
		return false;
	}

	/* One line without its CRLF; false to stop scanning. */
	constexpr bool on_line(string_view buf, string_view line, u32 start) noexcept
	{
		if (phase_ == phase::request_line) {
			if (line.empty()) /* RFC 9112 2.2: ignore empty lines before it */
				return true;
			return request_line(buf, line, start);
		}
		if (line.empty()) {
			end_of_head();
			return false;
		}
		if (++req_.header_count > lim_.max_headers)
			return fail(431);
		return header(buf, line);
	}

	constexpr bool request_line(string_view buf, string_view line, u32) noexcept
	{
		phase_ = phase::headers;
		for (char c : line)
			if (c == '\r' || c == '\0')
				return fail(400);
		auto [m, rest, sp1] = line.split_once(' ');
		auto [target, version, sp2] = rest.split_once(' ');
		if (!sp1 || !sp2 || m.empty() || target.empty())
			return fail(400);
		for (char c : m)
			if (!is_tchar(c))
				return fail(400);
		for (char c : target)
			if (!is_target_char(c))
				return fail(400);
		/* Version: exactly HTTP/d.d; digits but another shape is 505. */
		if (!version.starts_with("HTTP/"))
			return fail(400);
		string_view v = version.substr(5);
		auto [major, minor, dot] = v.split_once('.');
		if (!dot || major.empty() || minor.empty())
			return fail(400);
		for (char c : major)
			if (!is_digit(c))
				return fail(400);
		for (char c : minor)
			if (!is_digit(c))
				return fail(400);
		if (major.size() != 1 || minor.size() != 1 || major[0] != '1')
			return fail(505);
		req_.version_minor = minor[0] == '0' ? 0 : 1;
		/* The method: case-sensitive (RFC 9110 9.1). */
		constexpr method all[] = {method::get,	   method::head,    method::post,
					  method::put,	   method::delete_, method::connect,
					  method::options, method::trace,   method::patch};
		bool known = false;
		for (method k : all) {
			if (m == method_name(k)) {
				req_.method = k;
				known = true;
				break;
			}
		}
		if (!known)
			return fail(501);
		target_ = at(buf, target);
		return parse_target(buf, target);
	}

	constexpr bool parse_target(string_view buf, string_view t) noexcept
	{
		if (req_.method == method::connect) {
			/* authority-form: host:port */
			if (t[0] == '/')
				return fail(400);
			path_ = at(buf, t);
			host_ = at(buf, t);
			target_host_ = true;
			return true;
		}
		if (t == "*") {
			if (req_.method != method::options)
				return fail(400);
			path_ = at(buf, t);
			return true;
		}
		if (t[0] != '/') {
			/* absolute-form: scheme "://" authority [path] ["?" query] */
			size_t colon = t.find("://");
			if (colon == string_view::npos || colon == 0)
				return fail(400);
			string_view scheme = t.first(colon);
			if (!scheme.iequals("http") && !scheme.iequals("https"))
				return fail(400);
			string_view rest = t.substr(colon + 3);
			size_t end = rest.find_first_of("/?");
			string_view authority = rest.first(end);
			if (authority.empty() || authority.contains('@'))
				return fail(400);
			host_ = at(buf, authority);
			target_host_ = true;
			t = rest.substr(authority.size());
			if (t.empty() || t[0] == '?') {
				/* No path: "/", with the query if any. */
				path_ = {0, 0};
				root_path_ = true;
				if (!t.empty())
					query_ = at(buf, t.substr(1));
				return true;
			}
		}
		auto [p, q, has_q] = t.split_once('?');
		path_ = at(buf, p);
		if (has_q)
			query_ = at(buf, q);
		return true;
	}

	constexpr bool header(string_view buf, string_view line) noexcept
	{
		if (line[0] == ' ' || line[0] == '\t') /* obs-fold */
			return fail(400);
		size_t colon = line.find(':');
		if (colon == string_view::npos || colon == 0)
			return fail(400);
		string_view name = line.first(colon);
		for (char c : name)
			if (!is_tchar(c)) /* also rejects whitespace before the colon */
				return fail(400);
		string_view value = line.substr(colon + 1);
		for (char c : value)
			if (!is_field_char(c))
				return fail(400);
		value = trim_ows(value);
		switch (name.size()) {
		case 4:
			if (name.iequals("host"))
				return on_host(buf, value);
			break;
		case 5:
			if (name.iequals("range")) {
				range_fields_++;
				range_value_ = at(buf, value);
			}
			break;
		case 6:
			if (name.iequals("expect") && value.iequals("100-continue"))
				req_.expect_continue = true;
			break;
		case 8:
			if (name.iequals("if-range"))
				if_range_ = true;
			break;
		case 10:
			if (name.iequals("connection"))
				on_connection(value);
			break;
		case 14:
			if (name.iequals("content-length"))
				return on_content_length(value);
			break;
		case 17:
			if (name.iequals("transfer-encoding"))
				return on_transfer_encoding(value);
			if (name.iequals("if-modified-since")) {
				ims_fields_++;
				ims_value_ = at(buf, value);
			}
			break;
		}
		return true;
	}

	static constexpr string_view trim_ows(string_view v) noexcept
	{
		size_t b = 0, e = v.size();
		while (b < e && (v[b] == ' ' || v[b] == '\t'))
			b++;
		while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		return v.substr(b, e - b);
	}

	constexpr bool on_host(string_view buf, string_view value) noexcept
	{
		if (++host_fields_ > 1)
			return fail(400);
		for (char c : value)
			if (!is_authority_char(c))
				return fail(400);
		if (!target_host_)
			host_ = at(buf, value);
		return true;
	}

	constexpr void on_connection(string_view value) noexcept
	{
		for (string_view opt : value.split(',')) {
			opt = trim_ows(opt);
			if (opt.iequals("close"))
				conn_close_ = true;
			else if (opt.iequals("keep-alive"))
				conn_keep_alive_ = true;
		}
	}

	constexpr bool on_content_length(string_view value) noexcept
	{
		if (value.empty())
			return fail(400);
		u64 n = 0;
		for (char c : value) {
			if (!is_digit(c))
				return fail(400); /* also lists ("5, 5") and signs */
			if (__builtin_mul_overflow(n, u64(10), &n) ||
			    __builtin_add_overflow(n, u64(c - '0'), &n))
				return fail(413);
		}
		if (has_length_ && n != req_.content_length)
			return fail(400);
		has_length_ = true;
		req_.content_length = n;
		return true;
	}

	constexpr bool on_transfer_encoding(string_view value) noexcept
	{
		string_view last;
		for (string_view coding : value.split(',')) {
			coding = trim_ows(coding);
			if (!coding.empty())
				last = coding;
		}
		/* The final coding of the last field must be chunked. */
		te_chunked_last_ = last.iequals("chunked");
		has_te_ = true;
		return true;
	}

	constexpr void end_of_head() noexcept
	{
		status_ = parse_status::complete;
		if (has_te_) {
			if (has_length_ || req_.version_minor == 0 || !te_chunked_last_) {
				fail(400);
				return;
			}
			req_.chunked = true;
			req_.close_after = true;
		}
		if (req_.content_length > lim_.max_body) {
			fail(413);
			return;
		}
		if (req_.version_minor == 1 && host_fields_ == 0) {
			fail(400);
			return;
		}
		if (conn_close_)
			req_.close_after = true;
		req_.keep_alive =
			!req_.close_after && (req_.version_minor == 1 || conn_keep_alive_);
	}

	/* Turn the offsets into views of the final buffer; interpret dates, ranges. */
	constexpr void finish(string_view buf) noexcept
	{
		req_.target = target_.in(buf);
		req_.path = root_path_ ? string_view("/") : path_.in(buf);
		req_.query = query_.in(buf);
		req_.host = host_.in(buf);
		if (ims_fields_ == 1) {
			auto d = parse_http_date(ims_value_.in(buf));
			if (d) {
				req_.has_if_modified_since = true;
				req_.if_modified_since = *d;
			}
		}
		if (range_fields_ == 1 && !if_range_)
			req_.range = parse_range(range_value_.in(buf));
	}

	limits lim_{};
	http::request req_{};
	u32 scanned_ = 0, line_start_ = 0;
	slice target_, path_, query_, host_, ims_value_, range_value_;
	u16 error_ = 0;
	u8 host_fields_ = 0, ims_fields_ = 0, range_fields_ = 0;
	parse_status status_ = parse_status::incomplete;
	phase phase_ = phase::request_line;
	bool target_host_ = false, root_path_ = false, has_length_ = false, has_te_ = false;
	bool te_chunked_last_ = false, conn_close_ = false, conn_keep_alive_ = false;
	bool if_range_ = false;
};

/* ---- paths ---------------------------------------------------------------- */

/** Why normalize_path() refused a path. */
enum class path_error : u8 {
	invalid = 1, ///< not "/...", a bad %-escape, or a decoded NUL or control character
	escapes,     ///< ".." above the root
	too_long,    ///< does not fit the output buffer
};

/** A normalised path, or why there is none. */
struct normalized_path {
	/** Starts with '/'; no "." or ".." segments, no "//"; NUL-terminated in the buffer. */
	string_view path;
	/** Did the request end with '/' (or a "." / ".." segment)?  path ends with '/' then. */
	bool trailing_slash = false;
	/** Set on failure. */
	path_error error{};

	/** Did normalisation succeed? */
	[[nodiscard]] constexpr bool ok() const noexcept { return error == path_error{}; }
};

/**
 * Percent-decode @p raw (the path of a request, "/..." as sent) exactly
 * once and normalise it like RFC 3986's remove_dot_segments: empty and "."
 * segments go, ".." removes the previous segment, and a ".." with none left
 * is path_error::escapes (never clamped).  Decoding comes first, so "%2e%2e"
 * is "..", and "%2f" is a separator; "%25" gives a literal '%' that is not
 * decoded again.  A decoded NUL or control character (0x00-0x1f, 0x7f), a
 * '%' not followed by two hex digits, or @p raw not starting with '/' is
 * path_error::invalid.
 *
 * The result (NUL-terminated) is written to @p out, which needs
 * raw.size() + 1 bytes and may be the very bytes of @p raw (decoding in
 * place never overtakes the input).  Any context.
 */
[[nodiscard]] constexpr normalized_path normalize_path(string_view raw, span<char> out) noexcept
{
	normalized_path r;
	if (raw.empty() || raw[0] != '/') {
		r.error = path_error::invalid;
		return r;
	}
	if (out.size() < raw.size() + 1) {
		r.error = path_error::too_long;
		return r;
	}
	/*
	 * o[0, n) is the output so far; o[seg - 1] is always the '/' that
	 * starts the segment being decoded.  Each input byte writes at most
	 * one output byte at or before its own position, so @p raw may be
	 * decoded in place.
	 */
	char *o = out.data();
	size_t n = 0;
	o[n++] = '/';
	size_t seg = n;
	/* The segment o[seg, n) ended (at a '/', or at the end): resolve it. */
	auto end_segment = [&](bool last) -> bool {
		size_t len = n - seg;
		if (len == 0 || (len == 1 && o[seg] == '.')) {
			n = seg;
		} else if (len == 2 && o[seg] == '.' && o[seg + 1] == '.') {
			if (seg == 1) {
				r.error = path_error::escapes;
				return false;
			}
			size_t p = seg - 1; /* drop the segment before the ".." too */
			while (o[p - 1] != '/')
				p--;
			n = p;
		} else if (!last) {
			o[n++] = '/';
		}
		seg = n;
		return true;
	};
	for (size_t i = 1; i < raw.size(); i++) {
		char c = raw[i];
		if (c == '%') {
			int h = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1;
			int l = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
			if (h < 0 || l < 0) {
				r.error = path_error::invalid;
				return r;
			}
			c = static_cast<char>(h << 4 | l);
			i += 2;
		}
		if (c == '/') {
			if (!end_segment(false))
				return r;
			continue;
		}
		unsigned char u = static_cast<unsigned char>(c);
		if (u < 0x20 || u == 0x7f) {
			r.error = path_error::invalid;
			return r;
		}
		o[n++] = c;
	}
	if (!end_segment(true))
		return r;
	r.trailing_slash = o[n - 1] == '/';
	o[n] = '\0';
	r.path = string_view(o, n);
	return r;
}

/* ---- output --------------------------------------------------------------- */

/**
 * Appends text to a fixed buffer it does not own; what does not fit is
 * cut off and overflowed() stays true.  No formatting library needed (and
 * faster than one for headers).  Any context.
 */
class writer {
public:
	constexpr writer() noexcept = default;
	/** Write into @p cap bytes at @p buf. */
	constexpr writer(char *buf, size_t cap) noexcept : buf_(buf), cap_(cap) {}
	/** Write into @p s. */
	constexpr explicit writer(span<char> s) noexcept : buf_(s.data()), cap_(s.size()) {}

	/** Bytes written so far. */
	[[nodiscard]] constexpr size_t size() const noexcept { return len_; }
	/** Size of the buffer. */
	[[nodiscard]] constexpr size_t capacity() const noexcept { return cap_; }
	/** Bytes still free. */
	[[nodiscard]] constexpr size_t available() const noexcept { return cap_ - len_; }
	/** Did a put() not fit (the output is then incomplete)? */
	[[nodiscard]] constexpr bool overflowed() const noexcept { return overflow_; }
	/** The bytes written. */
	[[nodiscard]] constexpr const char *data() const noexcept { return buf_; }
	/** The bytes written, as a view. */
	[[nodiscard]] constexpr string_view view() const noexcept
	{
		return string_view(buf_, len_);
	}
	/**
	 * Forget everything from @p n on (a mark taken with size()) and any
	 * overflow since: the way to undo an append that did not fit.
	 */
	constexpr void truncate(size_t n) noexcept
	{
		if (n < len_)
			len_ = n;
		overflow_ = false;
	}
	/** Start over (empty, no overflow). */
	constexpr void clear() noexcept
	{
		len_ = 0;
		overflow_ = false;
	}

	/** Append @p s; what does not fit is dropped and sets overflowed(). */
	constexpr writer &put(string_view s) noexcept
	{
		size_t n = s.size() <= available() ? s.size() : available();
		if (__builtin_is_constant_evaluated()) {
			for (size_t i = 0; i < n; i++)
				buf_[len_ + i] = s[i];
		} else if (n) {
			__builtin_memcpy(buf_ + len_, s.data(), n);
		}
		len_ += n;
		if (n < s.size())
			overflow_ = true;
		return *this;
	}
	/** Append @p c (see put(string_view)). */
	constexpr writer &put(char c) noexcept { return put(string_view(&c, 1)); }
	/** Decimal. */
	constexpr writer &put_dec(u64 v) noexcept
	{
		char tmp[20];
		size_t n = 0;
		do {
			tmp[sizeof(tmp) - 1 - n++] = static_cast<char>('0' + v % 10);
			v /= 10;
		} while (v);
		return put(string_view(tmp + sizeof(tmp) - n, n));
	}
	/**
	 * Lower-case hex, no prefix, zero-padded to at least @p width digits
	 * (16 at most): put_hex(0x1f, 4) is "001f".
	 */
	constexpr writer &put_hex(u64 v, size_t width = 1) noexcept
	{
		char tmp[16];
		size_t n = 0;
		do {
			tmp[sizeof(tmp) - 1 - n++] = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v || (n < width && n < sizeof(tmp)));
		return put(string_view(tmp + sizeof(tmp) - n, n));
	}
	/** The last chunk of a chunked body, with no trailer fields: "0\r\n\r\n". */
	constexpr writer &put_last_chunk() noexcept { return put("0\r\n\r\n"); }
	/** Text with & < > " ' as HTML character references. */
	constexpr writer &put_html(string_view s) noexcept
	{
		for (char c : s) {
			switch (c) {
			case '&':
				put("&amp;");
				break;
			case '<':
				put("&lt;");
				break;
			case '>':
				put("&gt;");
				break;
			case '"':
				put("&quot;");
				break;
			case '\'':
				put("&#39;");
				break;
			default:
				put(c);
			}
		}
		return *this;
	}
	/**
	 * Percent-encode every byte but RFC 3986 unreserved ones, and '/' too
	 * if @p keep_slash: a path (segment) for a URL or an href attribute
	 * (the result needs no HTML escaping).
	 */
	constexpr writer &put_url(string_view s, bool keep_slash = false) noexcept
	{
		for (char c : s) {
			if (is_unreserved(c) || (keep_slash && c == '/')) {
				put(c);
			} else {
				unsigned char u = static_cast<unsigned char>(c);
				char e[3] = {'%', "0123456789ABCDEF"[u >> 4],
					     "0123456789ABCDEF"[u & 15]};
				put(string_view(e, 3));
			}
		}
		return *this;
	}

private:
	char *buf_ = nullptr;
	size_t cap_ = 0, len_ = 0;
	bool overflow_ = false;
};

/**
 * One piece of a body in the chunked transfer coding (RFC 9112 7.1), built
 * in place in a buffer it does not own: data() writes the piece's bytes
 * after room for its size line, and finish() frames them ("hhhh\r\n", the
 * bytes, "\r\n") and, for the body's end, appends the last chunk.  The
 * room for the framing is kept out of data()'s capacity, so finish() always
 * fits.  With @p chunked false the bytes are left as they are (an HTTP/1.0
 * body, ended by closing), so one code path serves both.  Any context.
 *
 * @code
 * khttpd::http::chunk_builder c(buf, sizeof(buf), true, true);
 * c.data().put("<li>a</li>\n");
 * size_t n = c.finish(true);    // buf: "000b\r\n<li>a</li>\n\r\n0\r\n\r\n"
 * @endcode
 */
class chunk_builder {
public:
	/** The size line: four hex digits and CRLF. */
	static constexpr size_t head_size = 6;
	/** The CRLF after the bytes. */
	static constexpr size_t tail_size = 2;
	/** The last chunk, "0\r\n\r\n". */
	static constexpr size_t last_size = 5;
	/** The most bytes one chunk holds (four hex digits). */
	static constexpr size_t max_data = 0xffff;

	/**
	 * Build in @p cap bytes at @p buf; @p room_for_last keeps room for
	 * finish(true).  A buffer too small for the framing gives a data()
	 * of capacity 0.
	 */
	constexpr chunk_builder(char *buf, size_t cap, bool chunked, bool room_for_last) noexcept
		: buf_(buf), cap_(cap), chunked_(chunked)
	{
		size_t frame =
			chunked ? head_size + tail_size + (room_for_last ? last_size : 0) : 0;
		size_t room = cap > frame ? cap - frame : 0;
		if (chunked && room > max_data)
			room = max_data;
		data_ = writer(buf + (chunked && cap >= head_size ? head_size : 0), room);
	}
	chunk_builder(const chunk_builder &) = delete;
	chunk_builder &operator=(const chunk_builder &) = delete;

	/** Where the piece's bytes go. */
	[[nodiscard]] constexpr writer &data() noexcept { return data_; }

	/**
	 * Frame the bytes written to data() (nothing for none: an empty
	 * chunk would read as the last one) and, if @p last and chunked,
	 * append the last chunk.  Returns the bytes to send from the buffer's
	 * start.
	 */
	[[nodiscard]] constexpr size_t finish(bool last) noexcept
	{
		size_t n = data_.size();
		if (!chunked_)
			return n;
		size_t at = 0;
		if (n) {
			writer(buf_, head_size).put_hex(n, 4).put("\r\n");
			at = head_size + n;
		}
		writer t(buf_ + at, cap_ - at); /* room kept by the constructor */
		if (n)
			t.put("\r\n");
		if (last)
			t.put_last_chunk();
		return at + t.size();
	}

private:
	char *buf_;
	size_t cap_;
	bool chunked_;
	writer data_;
};

/* ---- content types -------------------------------------------------------- */

namespace detail {
/* Extension -> Content-Type; a namespace-scope table, built at compile time. */
struct mime_entry {
	string_view ext, type;
};
inline constexpr mime_entry mime_table[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"txt", "text/plain; charset=utf-8"},
	{"xml", "application/xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"svg", "image/svg+xml"},
	{"ico", "image/x-icon"},
	{"webp", "image/webp"},
	{"wasm", "application/wasm"},
	{"pdf", "application/pdf"},
	{"woff2", "font/woff2"},
};
} // namespace detail

/**
 * The Content-Type for a file name, from its last extension
 * (case-insensitive): html/htm, css, js/mjs, json, txt, xml, png, jpg/jpeg,
 * gif, svg, ico, webp, wasm, pdf, woff2; application/octet-stream
 * otherwise (also for a name without an extension, or a dot file).
 */
[[nodiscard]] constexpr string_view mime_type(string_view name) noexcept
{
	size_t slash = name.rfind('/');
	if (slash != string_view::npos)
		name = name.substr(slash + 1);
	size_t dot = name.rfind('.');
	if (dot == string_view::npos || dot == 0)
		return "application/octet-stream";
	string_view ext = name.substr(dot + 1);
	for (const detail::mime_entry &e : detail::mime_table)
		if (ext.iequals(e.ext))
			return e.type;
	return "application/octet-stream";
}

} // namespace khttpd::http

#endif // KHTTPD_HTTP_HPP
