// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file
 * @brief KUnit in C++: suites and cases declared next to the code they test.
 *
 * A test file declares a suite, its cases, and ends the suite; ending it
 * registers the suite with KUnit exactly as the kernel's
 * kunit_test_suite() does (a pointer in the `.kunit_test_suites`
 * section), with every case defined between the two in file order.  There
 * is no list of cases to keep in sync and no C file.  kunit.py runs the
 * suite when it is built into a UML kernel; as a module it runs when
 * loaded.
 *
 * @code
 * #include <kstd/kunit.hpp>
 * #include <kstd/string.hpp>
 *
 * KSTD_TEST_SUITE(example_strings);
 *
 * KSTD_TEST(example_strings, parses_a_port)
 * {
 *         auto port = kstd::parse_u16("8080");
 *         KSTD_ASSERT(port.has_value()); // returns from the case if false
 *         KSTD_EXPECT_EQ(*port, 8080);
 * }
 *
 * struct port_case {
 *         const char *name; // names the parameter in KUnit's report
 *         const char *text;
 *         bool valid;
 * };
 * static constexpr port_case port_cases[] = {
 *         {"zero", "0", true}, {"max", "65535", true}, {"too_big", "65536", false},
 * };
 *
 * KSTD_TEST_P(example_strings, accepts_only_ports, port_cases)
 * {
 *         KSTD_EXPECT_EQ(kstd::parse_u16(param.text).has_value(), param.valid);
 * }
 *
 * KSTD_TEST_SUITE_END(example_strings);
 * @endcode
 *
 * Rules:
 * - Every case body runs in process context (a kthread of KUnit's) and may
 *   sleep.  Inside it, `test` is the kstd::kunit::test of the case and, in
 *   a KSTD_TEST_P() case, `param` the current parameter.
 * - The macros are used at global namespace scope; helpers can live in a
 *   namespace of their own above them.
 * - KSTD_EXPECT_*() record a failure and go on.  KSTD_ASSERT_*() record it
 *   and `return` from the enclosing function, which must return void (a
 *   case body does); destructors run as on any return, so unlike KUnit's
 *   own KUNIT_ASSERT_*() (which ends the kthread) nothing leaks.
 * - A failure prints the file and line of the check and both operands:
 *   integers (mixed signedness is compared by value), bool, characters,
 *   pointers, C strings, string views, kstd::error and kstd::result
 *   print themselves; for a type of your own, declare
 *   `void kunit_describe(kstd::kunit::text &out, const T &v)` next to it.
 * - test.defer() runs a cleanup when the case ends, however it ends.
 */
#ifndef KSTD_KUNIT_HPP
#define KSTD_KUNIT_HPP

#include <kstd/bindings.h>
#include <kstd/bytes.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

struct kunit;
struct kunit_suite;

namespace kstd::kunit {

/** The text a failure report shows for one operand. */
using text = fixed_string<120>;

/**
 * The running case: what KSTD_TEST() bodies see as `test`.  Process
 * context throughout.
 */
class test {
public:
	/// @cond INTERNAL
	explicit test(::kunit *k) noexcept : kunit_(k) {}
	/// @endcond
	test(const test &) = delete;
	test &operator=(const test &) = delete;

	/** The kernel's struct kunit, for KUnit's C API. */
	[[nodiscard]] ::kunit *raw() const noexcept { return kunit_; }

	/**
	 * Report the case as skipped (with @p why) once it returns; checks
	 * made before still count.  Usually through KSTD_SKIP(), which also
	 * returns.
	 */
	void mark_skipped(const char *why) noexcept { kstd_kunit_mark_skipped(kunit_, why); }

	/**
	 * Run @p fn when the case ends, after its body returned, in reverse
	 * order of defer() calls: for cleanups that must happen even when an
	 * assertion returns early and no destructor owns them.  @p fn is
	 * moved into memory that lives until then; if that allocation fails,
	 * the case fails and @p fn runs at once.  May sleep.
	 *
	 * @code
	 * KSTD_TEST_SUITE(example_defer);
	 *
	 * KSTD_TEST(example_defer, runs_at_the_end)
	 * {
	 *         static int calls;
	 *         test.defer([] { calls++; });
	 *         KSTD_EXPECT_EQ(calls, 0);
	 * }
	 *
	 * KSTD_TEST_SUITE_END(example_defer);
	 * @endcode
	 */
	template <class F>
	void defer(F fn) noexcept;

	/// @cond INTERNAL
	void fail(const char *file, int line, const char *message) noexcept
	{
		kstd_kunit_fail(kunit_, file, line, message);
	}
	/// @endcond

private:
	::kunit *kunit_;
};

/* ---- describing operands -------------------------------------------------- */

/// @cond INTERNAL
namespace detail {
using kstd::detail::is_one_of;
template <class T>
inline constexpr bool is_char = is_one_of<T, char, signed char, unsigned char, char8_t>;
template <class T>
inline constexpr bool is_integer = is_one_of<T, short, unsigned short, int, unsigned int, long,
					     unsigned long, long long, unsigned long long>;
template <class T>
inline constexpr bool is_pointer = false;
template <class T>
inline constexpr bool is_pointer<T *> = true;
template <class T>
inline constexpr bool is_c_string = is_one_of<T, char *, const char *>;
template <class T>
inline constexpr bool is_result = false;
template <class T>
inline constexpr bool is_result<result<T>> = true;
} // namespace detail
/// @endcond

/**
 * Append a readable form of @p v to @p out: the value of a scalar, a
 * quoted string, an errno's name.  A type of your own prints through a
 * `kunit_describe(text &, const T &)` found by argument-dependent lookup;
 * anything else shows as its size.
 */
template <class T>
void describe(text &out, const T &v) noexcept
{
	if constexpr (requires { kunit_describe(out, v); }) {
		kunit_describe(out, v);
	} else if constexpr (__is_same(T, bool)) {
		out.append(v ? "true" : "false");
	} else if constexpr (detail::is_char<T>) {
		unsigned char c = static_cast<unsigned char>(v);
		if (c >= 0x20 && c < 0x7f)
			out.appendf("'%c' (%u)", c, c);
		else
			out.appendf("%u", c);
	} else if constexpr (detail::is_integer<T>) {
		if (T(-1) < T(0))
			out.appendf("%lld", static_cast<long long>(v));
		else
			out.appendf("%llu", static_cast<unsigned long long>(v));
		if (v > T(9))
			out.appendf(" (0x%llx)", static_cast<unsigned long long>(v));
	} else if constexpr (__is_enum(T)) {
		out.appendf("enum value %lld", static_cast<long long>(v));
	} else if constexpr (__is_same(T, decltype(nullptr))) {
		out.append("nullptr");
	} else if constexpr (detail::is_c_string<T>) {
		if (!v)
			out.append("(null)");
		else
			out.appendf("\"%s\"", v);
	} else if constexpr (detail::is_pointer<T>) {
		out.appendf("%px", static_cast<const void *>(v));
	} else if constexpr (__is_same(T, kstd::error)) {
		out.appendf("-%s (%d)", v.name(), v.to_errno());
	} else if constexpr (detail::is_result<T>) {
		if (!v.has_value()) {
			out.append("error ");
			describe(out, v.error());
		} else if constexpr (requires { *v; }) {
			out.append("value ");
			describe(out, *v);
		} else {
			out.append("success");
		}
	} else if constexpr (requires { string_view(v); }) {
		string_view s(v);
		out.appendf("\"%.*s\"", static_cast<int>(s.size()), s.empty() ? "" : s.data());
	} else {
		out.appendf("(a %zu-byte %s)", sizeof(T), __is_class(T) ? "object" : "value");
	}
}

/// @cond INTERNAL
namespace detail {

/** Where a check is written. */
struct location {
	const char *file;
	int line;
};
#define KSTD_KUNIT_HERE_                                                                           \
	::kstd::kunit::detail::location                                                            \
	{                                                                                          \
		__FILE__, __LINE__                                                                 \
	}

enum class relation { eq, ne, lt, le, gt, ge };

inline const char *relation_text(relation r) noexcept
{
	switch (r) {
	case relation::eq:
		return "==";
	case relation::ne:
		return "!=";
	case relation::lt:
		return "<";
	case relation::le:
		return "<=";
	case relation::gt:
		return ">";
	case relation::ge:
		return ">=";
	}
	return "?";
}

/* a < b and a == b for two integers by value: -1 < 0u holds (std::cmp_less). */
template <class A, class B>
constexpr int compare_integers(A a, B b) noexcept
{
	constexpr bool a_signed = A(-1) < A(0), b_signed = B(-1) < B(0);
	if constexpr (a_signed && !b_signed) {
		if (a < 0)
			return -1;
	} else if constexpr (!a_signed && b_signed) {
		if (b < 0)
			return 1;
	}
	if constexpr (a_signed && b_signed) {
		// NOLINTNEXTLINE(bugprone-signed-char-misuse): by value is the point
		long long x = a, y = b;
		return x < y ? -1 : x > y;
	} else {
		unsigned long long x = static_cast<unsigned long long>(a);
		unsigned long long y = static_cast<unsigned long long>(b);
		return x < y ? -1 : x > y;
	}
}

template <class T>
inline constexpr bool is_number = is_integer<T> || is_char<T> || __is_same(T, bool);

template <relation R, class A, class B>
constexpr bool holds(const A &a, const B &b) noexcept
{
	if constexpr (is_number<A> && is_number<B>) {
		int c = compare_integers(a, b);
		if constexpr (R == relation::eq)
			return c == 0;
		else if constexpr (R == relation::ne)
			return c != 0;
		else if constexpr (R == relation::lt)
			return c < 0;
		else if constexpr (R == relation::le)
			return c <= 0;
		else if constexpr (R == relation::gt)
			return c > 0;
		else
			return c >= 0;
	} else if constexpr (R == relation::eq) {
		return a == b;
	} else if constexpr (R == relation::ne) {
		return !(a == b);
	} else if constexpr (R == relation::lt) {
		return a < b;
	} else if constexpr (R == relation::le) {
		return !(b < a);
	} else if constexpr (R == relation::gt) {
		return b < a;
	} else {
		return !(a < b);
	}
}

/* Out of line and cold: the report's buffers never weigh on a case's frame. */
[[gnu::noinline, gnu::cold]] inline void report(test &t, location at, const char *message) noexcept
{
	t.fail(at.file, at.line, message);
}

template <class A, class B>
[[gnu::noinline, gnu::cold]] void report_comparison(test &t, location at, const A &a, const B &b,
						    relation r, const char *a_expr,
						    const char *b_expr) noexcept
{
	text a_text, b_text;
	describe(a_text, a);
	describe(b_text, b);
	fixed_string<480> message;
	message.appendf("Expected %s %s %s, but\n    %s == %s\n    %s == %s", a_expr,
			relation_text(r), b_expr, a_expr, a_text.c_str(), b_expr, b_text.c_str());
	t.fail(at.file, at.line, message.c_str());
}

inline bool check(test &t, bool ok, location at, const char *expr) noexcept
{
	if (!ok) [[unlikely]] {
		fixed_string<240> message;
		message.appendf("Expected %s to be true, but is false", expr);
		report(t, at, message.c_str());
	}
	return ok;
}

template <relation R, class A, class B>
bool compare(test &t, const A &a, const B &b, location at, const char *a_expr,
	     const char *b_expr) noexcept
{
	constexpr relation r = R;
	bool ok = holds<R>(a, b);
	if (!ok) [[unlikely]]
		report_comparison(t, at, a, b, r, a_expr, b_expr);
	return ok;
}

template <class R>
bool check_ok(test &t, const R &r, location at, const char *expr) noexcept
{
	if (r.has_value()) [[likely]]
		return true;
	text e;
	describe(e, r.error());
	fixed_string<240> message;
	message.appendf("Expected %s to succeed, but it failed with %s", expr, e.c_str());
	report(t, at, message.c_str());
	return false;
}

template <class R>
bool check_error(test &t, const R &r, kstd::error want, location at, const char *expr) noexcept
{
	if (!r.has_value() && r.error() == want) [[likely]]
		return true;
	text got, wanted;
	describe(got, r);
	describe(wanted, want);
	fixed_string<360> message;
	message.appendf("Expected %s to fail with %s, but it gave %s", expr, wanted.c_str(),
			got.c_str());
	report(t, at, message.c_str());
	return false;
}

/* ---- registration --------------------------------------------------------- */

/* struct kunit_case as C++ builds it: the public fields, then zeros. */
struct alignas(KSTD_ALIGNOF_KUNIT_CASE) case_record {
	void (*run_case)(::kunit *);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	unsigned char kernel_private[KSTD_SIZEOF_KUNIT_CASE - 3 * sizeof(void *)];
};
static_assert(sizeof(case_record) == KSTD_SIZEOF_KUNIT_CASE);
static_assert(__builtin_offsetof(case_record, run_case) == KSTD_OFFSETOF_KUNIT_CASE_RUN_CASE);
static_assert(__builtin_offsetof(case_record, name) == KSTD_OFFSETOF_KUNIT_CASE_NAME);
static_assert(__builtin_offsetof(case_record, generate_params) ==
	      KSTD_OFFSETOF_KUNIT_CASE_GENERATE_PARAMS);

/* struct kunit_suite, likewise. */
struct alignas(KSTD_ALIGNOF_KUNIT_SUITE) suite_record {
	char name[KSTD_SIZEOF_KUNIT_SUITE_NAME];
	int (*suite_init)(::kunit_suite *);
	void (*suite_exit)(::kunit_suite *);
	int (*init)(::kunit *);
	void (*exit)(::kunit *);
	case_record *test_cases;
	unsigned char kernel_private[KSTD_SIZEOF_KUNIT_SUITE -
				     KSTD_OFFSETOF_KUNIT_SUITE_TEST_CASES - sizeof(void *)];
};
static_assert(sizeof(suite_record) == KSTD_SIZEOF_KUNIT_SUITE);
static_assert(__builtin_offsetof(suite_record, name) == KSTD_OFFSETOF_KUNIT_SUITE_NAME);
static_assert(__builtin_offsetof(suite_record, suite_init) == KSTD_OFFSETOF_KUNIT_SUITE_SUITE_INIT);
static_assert(__builtin_offsetof(suite_record, suite_exit) == KSTD_OFFSETOF_KUNIT_SUITE_SUITE_EXIT);
static_assert(__builtin_offsetof(suite_record, init) == KSTD_OFFSETOF_KUNIT_SUITE_INIT);
static_assert(__builtin_offsetof(suite_record, exit) == KSTD_OFFSETOF_KUNIT_SUITE_EXIT);
static_assert(__builtin_offsetof(suite_record, test_cases) == KSTD_OFFSETOF_KUNIT_SUITE_TEST_CASES);

/*
 * The case KSTD_TEST() number N of a file defines for suite Tag (N from
 * __COUNTER__): a specialisation with name and run, or nothing.
 */
template <class Tag, int N>
struct registered_case;

template <class Tag, int N>
concept is_registered = requires
{
	registered_case<Tag, N>::name;
};

template <class Tag, int I, int End>
consteval int count_cases() noexcept
{
	if constexpr (I >= End)
		return 0;
	else
		return (is_registered<Tag, I> ? 1 : 0) + count_cases<Tag, I + 1, End>();
}

/* What a case without parameters gets instead of one. */
struct no_param {};

/* The cases and their terminating empty entry, as KUnit wants them. */
template <int Count>
struct case_table {
	case_record cases[Count + 1];
};

template <class Tag, int I, int End, int Count>
consteval void fill_cases(case_table<Count> &t, int at) noexcept
{
	if constexpr (I < End) {
		if constexpr (is_registered<Tag, I>) {
			using c = registered_case<Tag, I>;
			t.cases[at].run_case = c::run;
			t.cases[at].name = c::name;
			t.cases[at].generate_params = c::generate_params;
			at++;
		}
		fill_cases<Tag, I + 1, End>(t, at);
	}
}

template <class Tag, int Begin, int End>
consteval auto collect_cases() noexcept
{
	constexpr int count = count_cases<Tag, Begin, End>();
	static_assert(count > 0, "a KUnit suite needs at least one KSTD_TEST()");
	case_table<count> t{};
	fill_cases<Tag, Begin, End>(t, 0);
	return t;
}

template <int N>
consteval suite_record make_suite(const char (&name)[N], case_record *cases) noexcept
{
	static_assert(N <= KSTD_SIZEOF_KUNIT_SUITE_NAME,
		      "KUnit suite names have 255 bytes at most");
	suite_record s{};
	for (int i = 0; i < N; i++)
		s.name[i] = name[i];
	s.test_cases = cases;
	return s;
}

/*
 * The parameter KUnit is running a KSTD_TEST_P() case with.
 */
template <class T>
const T &current_param(::kunit *k) noexcept
{
	// SAFETY: KUnit passes back, as param_value, a pointer that
	// generate<>() below returned: an element of the case's array of T.
	return *static_cast<const T *>(kstd_kunit_param_value(k));
}

/* Writes what KUnit prints for a parameter into its KUNIT_PARAM_DESC_SIZE bytes. */
template <class T>
void describe_param(char *desc, const T &p, long index) noexcept
{
	text d;
	if constexpr (requires { string_view(p.name); })
		d.append(string_view(p.name));
	else
		describe(d, p);
	if (d.empty() || d.truncated()) {
		d.clear();
		d.appendf("#%ld", index);
	}
	size_t n = d.size() < KSTD_KUNIT_PARAM_DESC_SIZE - 1 ? d.size()
							     : KSTD_KUNIT_PARAM_DESC_SIZE - 1;
	copy_bytes(desc, d.data(), n);
	desc[n] = '\0';
}

/*
 * generate_params for an array: the first element, then the one after
 * @prev (an element of the same array), then nullptr.
 */
template <auto &Values>
const void *generate(const void *prev, char *desc) noexcept
{
	constexpr long count = sizeof(Values) / sizeof(Values[0]);
	using T = remove_reference_t<decltype(Values[0])>;
	// SAFETY: prev is null or a pointer this function returned before:
	// an element of Values; the arithmetic stays inside the array.
	const T *p = prev ? static_cast<const T *>(prev) + 1 : &Values[0];
	if (p == &Values[0] + count)
		return nullptr;
	describe_param(desc, *p, p - &Values[0]);
	return p;
}

} // namespace detail
/// @endcond

template <class F>
void test::defer(F fn) noexcept
{
	struct deferred {
		F fn;
		static void run(void *data) noexcept
		{
			// SAFETY: data is the block kstd_kunit_defer() returned,
			// where defer() placement-new'd a deferred; run once.
			auto *d = static_cast<deferred *>(data);
			d->fn();
			d->~deferred();
		}
	};
	static_assert(alignof(deferred) <= alignof(unsigned long),
		      "defer(): the block is aligned for a long");
	void *mem = kstd_kunit_defer(kunit_, sizeof(deferred), &deferred::run);
	if (!mem) {
		fail(__FILE__, __LINE__, "defer(): out of memory, running the cleanup now");
		fn();
		return;
	}
	new (mem) deferred{move(fn)};
}

} // namespace kstd::kunit

/// @cond INTERNAL
#define KSTD_KUNIT_CAT2_(a, b) a##b
#define KSTD_KUNIT_CAT_(a, b) KSTD_KUNIT_CAT2_(a, b)
#define KSTD_KUNIT_NS_(suite) KSTD_KUNIT_CAT_(kstd_kunit_suite_, suite)
/*
 * Case N of a file is registered_case<suite's tag, N>, N from __COUNTER__
 * (kept in kstd_kunit_n_<suite>__<case>).  KUnit calls its run(), which
 * calls the body, a free function so that names in it are looked up as
 * in the rest of the test file.  Both symbols stay short (6.1's objtool
 * refuses a function with a .cold part whose name exceeds 128 bytes).
 */
#define KSTD_KUNIT_N_(suite, name) kstd_kunit_n_##suite##__##name
#define KSTD_KUNIT_BODY_(suite, name) kstd_t_##suite##__##name
#define KSTD_KUNIT_CASE_(suite, name)                                                              \
	kstd::kunit::detail::registered_case<KSTD_KUNIT_NS_(suite)::tag, KSTD_KUNIT_N_(suite, name)>

#define KSTD_KUNIT_DECLARE_(suite, case_name, param_type, call, generator)                         \
	static constexpr int KSTD_KUNIT_N_(suite, case_name) = __COUNTER__;                        \
	static void KSTD_KUNIT_BODY_(suite, case_name)(::kstd::kunit::test &, const param_type &); \
	template <>                                                                                \
	struct KSTD_KUNIT_CASE_(suite, case_name) {                                                \
		static constexpr const char *name = #case_name;                                    \
		using param = param_type;                                                          \
		static void run(::kunit *k) noexcept                                               \
		{                                                                                  \
			::kstd::kunit::test t(k);                                                  \
			KSTD_KUNIT_BODY_(suite, case_name)(t, call);                               \
		}                                                                                  \
		static constexpr const void *(*generate_params)(const void *, char *) = generator; \
	}
/// @endcond

/**
 * Begin the KUnit suite @p suite (an identifier; KUnit reports it by this
 * name).  Then its KSTD_TEST() cases, then KSTD_TEST_SUITE_END(@p suite),
 * all in one file at global namespace scope.
 */
#define KSTD_TEST_SUITE(suite)                                                                     \
	namespace KSTD_KUNIT_NS_(suite)                                                            \
	{                                                                                          \
		struct tag;                                                                        \
		constexpr int begin = __COUNTER__;                                                 \
	}                                                                                          \
	static_assert(true, "")

/**
 * Define the case @p name of @p suite; the body follows, with `test` (a
 * kstd::kunit::test &).  Cases run in the order they are written.
 */
#define KSTD_TEST(suite, name)                                                                     \
	KSTD_KUNIT_DECLARE_(suite, name, ::kstd::kunit::detail::no_param,                          \
			    ::kstd::kunit::detail::no_param{}, nullptr);                           \
	static void KSTD_KUNIT_BODY_(suite, name)([[maybe_unused]] ::kstd::kunit::test & test,     \
						  const ::kstd::kunit::detail::no_param &)

/**
 * Define the parameterised case @p name of @p suite: the body runs once
 * for each element of @p values, a constexpr array at namespace scope,
 * with `test` and `param` (a const reference to the element).  KUnit
 * names each run by the element's `name` member if it has one (a C string
 * or string view), else by the element's value or index.
 */
#define KSTD_TEST_P(suite, name, values)                                                           \
	KSTD_KUNIT_DECLARE_(suite, name, ::kstd::remove_reference_t<decltype(values[0])>,          \
			    ::kstd::kunit::detail::current_param<param>(k),                        \
			    &::kstd::kunit::detail::generate<values>);                             \
	static void KSTD_KUNIT_BODY_(suite, name)(                                                 \
		[[maybe_unused]] ::kstd::kunit::test & test,                                       \
		[[maybe_unused]] const ::kstd::remove_reference_t<decltype(values[0])> &param)

/**
 * End the suite @p suite and register it with KUnit, with every case
 * defined since KSTD_TEST_SUITE(@p suite).  Built in, kunit.py runs it;
 * in a module, loading the module runs it.
 */
#define KSTD_TEST_SUITE_END(suite)                                                                 \
	namespace KSTD_KUNIT_NS_(suite)                                                            \
	{                                                                                          \
		constexpr int end = __COUNTER__;                                                   \
		static constinit auto cases =                                                      \
			::kstd::kunit::detail::collect_cases<tag, begin, end>();                   \
		static constinit ::kstd::kunit::detail::suite_record suite =                       \
			::kstd::kunit::detail::make_suite(#suite, cases.cases);                    \
		/* kunit_test_suite(): KUnit finds the suite through this pointer. */              \
		[[gnu::used, gnu::section(".kunit_test_suites"),                                   \
		  gnu::aligned(sizeof(                                                             \
			  void *))]] static ::kstd::kunit::detail::suite_record *registration =    \
			&suite;                                                                    \
	}                                                                                          \
	static_assert(true, "")

/** Check @p cond; on false, report it and go on. */
#define KSTD_EXPECT(cond)                                                                          \
	((void)::kstd::kunit::detail::check(test, static_cast<bool>(cond), KSTD_KUNIT_HERE_, #cond))
/// @cond INTERNAL
#define KSTD_KUNIT_CMP_(a, r, b)                                                                   \
	::kstd::kunit::detail::compare<::kstd::kunit::detail::relation::r>(                        \
		test, (a), (b), KSTD_KUNIT_HERE_, #a, #b)
/// @endcond
/** Check @p a == @p b; on failure, report both values and go on. */
#define KSTD_EXPECT_EQ(a, b) ((void)KSTD_KUNIT_CMP_(a, eq, b))
/** Check @p a != @p b. */
#define KSTD_EXPECT_NE(a, b) ((void)KSTD_KUNIT_CMP_(a, ne, b))
/** Check @p a < @p b. */
#define KSTD_EXPECT_LT(a, b) ((void)KSTD_KUNIT_CMP_(a, lt, b))
/** Check @p a <= @p b. */
#define KSTD_EXPECT_LE(a, b) ((void)KSTD_KUNIT_CMP_(a, le, b))
/** Check @p a > @p b. */
#define KSTD_EXPECT_GT(a, b) ((void)KSTD_KUNIT_CMP_(a, gt, b))
/** Check @p a >= @p b. */
#define KSTD_EXPECT_GE(a, b) ((void)KSTD_KUNIT_CMP_(a, ge, b))
/** Check that the kstd::result @p r holds a value; on failure, report its error. */
#define KSTD_EXPECT_OK(r) ((void)::kstd::kunit::detail::check_ok(test, (r), KSTD_KUNIT_HERE_, #r))
/** Check that the kstd::result @p r failed with the kstd::error @p e. */
#define KSTD_EXPECT_ERROR(r, e)                                                                    \
	((void)::kstd::kunit::detail::check_error(test, (r), (e), KSTD_KUNIT_HERE_, #r))

/// @cond INTERNAL
#define KSTD_KUNIT_OR_RETURN_(check)                                                               \
	do {                                                                                       \
		if (!(check))                                                                      \
			return;                                                                    \
	} while (0)
/// @endcond
/** KSTD_EXPECT(), then return from the enclosing (void) function if it failed. */
#define KSTD_ASSERT(cond)                                                                          \
	KSTD_KUNIT_OR_RETURN_(::kstd::kunit::detail::check(test, static_cast<bool>(cond),          \
							   KSTD_KUNIT_HERE_, #cond))
/** KSTD_EXPECT_EQ(), then return if it failed. */
#define KSTD_ASSERT_EQ(a, b) KSTD_KUNIT_OR_RETURN_(KSTD_KUNIT_CMP_(a, eq, b))
/** KSTD_EXPECT_NE(), then return if it failed. */
#define KSTD_ASSERT_NE(a, b) KSTD_KUNIT_OR_RETURN_(KSTD_KUNIT_CMP_(a, ne, b))
/** KSTD_EXPECT_LT(), then return if it failed. */
#define KSTD_ASSERT_LT(a, b) KSTD_KUNIT_OR_RETURN_(KSTD_KUNIT_CMP_(a, lt, b))
/** KSTD_EXPECT_LE(), then return if it failed. */
#define KSTD_ASSERT_LE(a, b) KSTD_KUNIT_OR_RETURN_(KSTD_KUNIT_CMP_(a, le, b))
/** KSTD_EXPECT_GT(), then return if it failed. */
#define KSTD_ASSERT_GT(a, b) KSTD_KUNIT_OR_RETURN_(KSTD_KUNIT_CMP_(a, gt, b))
/** KSTD_EXPECT_GE(), then return if it failed. */
#define KSTD_ASSERT_GE(a, b) KSTD_KUNIT_OR_RETURN_(KSTD_KUNIT_CMP_(a, ge, b))
/** KSTD_EXPECT_OK(), then return if it failed. */
#define KSTD_ASSERT_OK(r)                                                                          \
	KSTD_KUNIT_OR_RETURN_(::kstd::kunit::detail::check_ok(test, (r), KSTD_KUNIT_HERE_, #r))
/** KSTD_EXPECT_ERROR(), then return if it failed. */
#define KSTD_ASSERT_ERROR(r, e)                                                                    \
	KSTD_KUNIT_OR_RETURN_(                                                                     \
		::kstd::kunit::detail::check_error(test, (r), (e), KSTD_KUNIT_HERE_, #r))
/** Report the case as skipped with the message @p why, and return from it. */
#define KSTD_SKIP(why)                                                                             \
	do {                                                                                       \
		test.mark_skipped(why);                                                            \
		return;                                                                            \
	} while (0)
/** Report a failure with the message @p why and go on. */
#define KSTD_FAIL(why) ::kstd::kunit::detail::report(test, KSTD_KUNIT_HERE_, why)

#endif
