// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file param.hpp
 * @brief Typed module parameters: module_param() from C++, with range
 *        checking and bounded strings.
 *
 * Each macro defines, at namespace scope, a parameter object named @p name
 * whose value is read with `name.get()` (typed, no casts), plus what the
 * kernel's module_param_named() emits: a struct kernel_param in the
 * `__param` section (pointing at the kernel's own `param_ops_<type>`, or at a
 * range-checking variant), and the "parmtype=" / "parm=" .modinfo tags that
 * modinfo(8) shows.  They behave exactly like C parameters: set at load time
 * (`insmod kecho.ko port=8080`) or on the kernel command line for built-in
 * code (`kecho.port=8080`), shown under `/sys/module/<module>/parameters/`
 * with @p perm, writable there if @p perm allows.
 *
 * @code
 * #include <kstd/param.hpp>
 *
 * KSTD_MODULE_PARAM(port, u16, 12345, 0444, "TCP port to listen on");
 * KSTD_MODULE_PARAM_RANGE(backlog, int, 128, 1, 65535, 0644, "listen() backlog");
 * KSTD_MODULE_PARAM(bench, bool, false, 0444, "benchmark mode: no logging");
 * KSTD_MODULE_PARAM_STRING(docroot, 256, "/var/www", 0444, "directory to serve");
 *
 * struct server {
 *         static kstd::result<kstd::unique_ptr<server>> create()
 *         {
 *                 u16 p = port.get();                      // typed, atomic read
 *                 kstd::string_view root = docroot.view(); // 0444: never changes
 *                 ...
 *                 return kstd::make_unique<server>(kstd::gfp::kernel);
 *         }
 * };
 * @endcode
 *
 * Types (@p type may be written as below, or as any spelling of the same
 * C++ type): bool, u8/byte, short, u16/ushort, int, u32/uint, long,
 * u64/ulong, ullong; strings through KSTD_MODULE_PARAM_STRING (a fixed
 * buffer filled like the kernel's param_set_copystring, minus one trailing
 * newline: a longer value is refused with -ENOSPC, never truncated).  The kernel parses numbers
 * with kstrto*(val, 0): decimal, 0x hex, leading-0 octal.  A value out of the type's range fails
 * with -ERANGE, a RANGE parameter's value outside [min, max] too; either way the value is unchanged
 * and insmod fails.
 *
 * Permissions are checked at compile time like the kernel's
 * VERIFY_OCTAL_PERMISSIONS (no world-writable parameters).  The default
 * must lie within the range (compile-time error otherwise).
 *
 * Context: get() never sleeps and may be called anywhere; a string's get()
 * takes the kernel's parameter lock and may sleep; its view() (read-only
 * parameters only) is lock-free.  Use each macro once per name, in one
 * .cpp file (the object has internal linkage), at namespace scope.
 */
#ifndef KSTD_PARAM_HPP
#define KSTD_PARAM_HPP

#include <kstd/atomic.hpp>
#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/module.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

#ifdef MODULE
/* The module's struct module, defined by modpost's generated .mod.c. */
extern "C" ::module __this_module;
#endif

namespace kstd {

/** Short names for parameter types: KSTD_MODULE_PARAM(x, ushort, ...). */
namespace param_types {
using kstd::s32;
using kstd::s64;
using kstd::u16;
using kstd::u32;
using kstd::u64;
using kstd::u8;
/// The kernel's "byte" parameter type.
using byte = unsigned char;
/// The kernel's "ushort" parameter type.
using ushort = unsigned short;
/// The kernel's "uint" parameter type.
using uint = unsigned int;
/// The kernel's "ulong" parameter type.
using ulong = unsigned long;
/// The kernel's "ullong" parameter type.
using ullong = unsigned long long;
} // namespace param_types

namespace detail {

/* struct kernel_param, as the kernel lays it out (also checked in kernel_if.c). */
// SAFETY: the kernel reads the __param section as an array of struct
// kernel_param: the asserts below pin this image's size, alignment and every
// offset to the ones generated from the kernel's own headers.
struct kernel_param_image {
	const char *name;
	::module *mod;
	const ::kernel_param_ops *ops;
	u16 perm;
	signed char level;
	u8 flags;
	void *arg;
};
static_assert(sizeof(kernel_param_image) == KSTD_SIZEOF_KERNEL_PARAM &&
	      alignof(kernel_param_image) == KSTD_ALIGNOF_KERNEL_PARAM);
static_assert(
	__builtin_offsetof(kernel_param_image, name) == KSTD_OFFSETOF_KERNEL_PARAM_NAME &&
		__builtin_offsetof(kernel_param_image, mod) == KSTD_OFFSETOF_KERNEL_PARAM_MOD &&
		__builtin_offsetof(kernel_param_image, ops) == KSTD_OFFSETOF_KERNEL_PARAM_OPS &&
		__builtin_offsetof(kernel_param_image, perm) == KSTD_OFFSETOF_KERNEL_PARAM_PERM &&
		__builtin_offsetof(kernel_param_image, level) == KSTD_OFFSETOF_KERNEL_PARAM_LEVEL &&
		__builtin_offsetof(kernel_param_image, flags) == KSTD_OFFSETOF_KERNEL_PARAM_FLAGS &&
		__builtin_offsetof(kernel_param_image, arg) == KSTD_OFFSETOF_KERNEL_PARAM_ARG,
	"struct kernel_param layout");

/* struct kparam_string: the argument of param_ops_string. */
// SAFETY: kstd_param_ops_string reads arg as a struct kparam_string; the
// asserts below pin the layout to the kernel's.
struct kparam_string_image {
	unsigned int maxlen;
	char *string;
};
static_assert(sizeof(kparam_string_image) == KSTD_SIZEOF_KPARAM_STRING &&
		      alignof(kparam_string_image) == KSTD_ALIGNOF_KPARAM_STRING &&
		      __builtin_offsetof(kparam_string_image, maxlen) ==
			      KSTD_OFFSETOF_KPARAM_STRING_MAXLEN &&
		      __builtin_offsetof(kparam_string_image, string) ==
			      KSTD_OFFSETOF_KPARAM_STRING_STRING,
	      "struct kparam_string layout");

/* THIS_MODULE. */
constexpr ::module *this_module() noexcept
{
#ifdef MODULE
	return &__this_module;
#else
	return nullptr;
#endif
}

/* The kernel's VERIFY_OCTAL_PERMISSIONS(). */
constexpr bool valid_param_perm(unsigned int perm) noexcept
{
	return perm <= 0777 &&
	       (((perm >> 6) & 4) >= ((perm >> 3) & 4)) && /* user readable >= group */
	       (((perm >> 3) & 4) >= (perm & 4)) &&	   /* group readable >= other */
	       (((perm >> 6) & 2) >= ((perm >> 3) & 2)) && /* user writable >= group */
	       !(perm & 2);				   /* never world-writable */
}

template <class T>
struct type_is {
	using type = T;
};

/* Per type: the kernel's name and ops, kstd's range-checked ops and storage. */
template <class T>
struct param_traits;

/// @cond INTERNAL
#define KSTD_PARAM_TRAITS_(T, kname, lo, hi)                                                       \
	template <>                                                                                \
	struct param_traits<T> {                                                                   \
		static constexpr char type_name[] = #kname;                                        \
		using range_storage = ::kstd_param_range_##kname;                                  \
		static constexpr const ::kernel_param_ops *ops = &::param_ops_##kname;             \
		static constexpr const ::kernel_param_ops *range_ops =                             \
			&::kstd_param_ops_##kname##_range;                                         \
		static constexpr T lowest = lo;                                                    \
		static constexpr T highest = hi;                                                   \
	}
KSTD_PARAM_TRAITS_(unsigned char, byte, 0, 0xff);
KSTD_PARAM_TRAITS_(short, short, -0x7fff - 1, 0x7fff);
KSTD_PARAM_TRAITS_(unsigned short, ushort, 0, 0xffff);
KSTD_PARAM_TRAITS_(int, int, -0x7fffffff - 1, 0x7fffffff);
KSTD_PARAM_TRAITS_(unsigned int, uint, 0, 0xffffffffu);
KSTD_PARAM_TRAITS_(long, long, -__LONG_MAX__ - 1, __LONG_MAX__);
KSTD_PARAM_TRAITS_(unsigned long, ulong, 0, __LONG_MAX__ * 2ul + 1);
KSTD_PARAM_TRAITS_(unsigned long long, ullong, 0, __LONG_LONG_MAX__ * 2ull + 1);
#undef KSTD_PARAM_TRAITS_
/// @endcond

template <>
struct param_traits<bool> {
	static constexpr char type_name[] = "bool";
	static constexpr const ::kernel_param_ops *ops = &::param_ops_bool;
};

/* A compile-time error in a constant initializer names the problem. */
void module_param_default_outside_its_range();
void module_param_string_default_too_long();

/* A "tag=value" .modinfo string built at compile time. */
template <size_t N>
struct modinfo_text {
	char s[N];
};
template <size_t A, size_t B>
constexpr modinfo_text<A + B - 1> modinfo_concat(const char (&a)[A], const char (&b)[B]) noexcept
{
	modinfo_text<A + B - 1> r{};
	for (size_t i = 0; i + 1 < A; i++)
		r.s[i] = a[i];
	for (size_t i = 0; i < B; i++)
		r.s[A - 1 + i] = b[i];
	return r;
}

constexpr kernel_param_image make_kernel_param(const char *name, const ::kernel_param_ops *ops,
					       unsigned int perm, void *arg) noexcept
{
	return kernel_param_image{name, this_module(), ops, static_cast<u16>(perm), -1, 0, arg};
}

} // namespace detail

/**
 * A numeric module parameter of type T (see KSTD_MODULE_PARAM).  Lives in
 * static storage; the kernel writes it (at load time, or through sysfs
 * under the parameter lock), C++ reads it with get().
 */
template <class T>
class module_param {
	using traits = detail::param_traits<T>;

public:
	/** Any value of T, initially @p def. */
	constexpr explicit module_param(T def) noexcept
		: store_{def, traits::lowest, traits::highest}
	{
	}
	/** Values in [@p lo, @p hi], initially @p def (checked at compile time). */
	constexpr module_param(T def, T lo, T hi) noexcept : store_{def, lo, hi}
	{
		if (lo > def || def > hi)
			detail::module_param_default_outside_its_range();
	}
	module_param(const module_param &) = delete;
	module_param &operator=(const module_param &) = delete;

	/** The current value (a relaxed atomic read: sysfs may change it). Any context. */
	[[nodiscard]] T get() const noexcept { return read_once(store_.value); }
	/** The lowest accepted value. */
	[[nodiscard]] constexpr T min() const noexcept { return store_.min; }
	/** The highest accepted value. */
	[[nodiscard]] constexpr T max() const noexcept { return store_.max; }

	/** The kernel_param's arg (value first, then min and max); for the registration macros. */
	// SAFETY: store_ is the C struct kstd_param_range_<type> that the
	// range ops read arg as, and the plain ops (param_ops_<type>) read a T
	// at arg: its first member, value, a T.
	constexpr void *arg() noexcept { return &store_; }

private:
	typename traits::range_storage store_;
};

/** A bool module parameter: "1/0", "y/n", "Y/N", "on/off" (kstrtobool). */
template <>
class module_param<bool> {
public:
	/** Initially @p def. */
	constexpr explicit module_param(bool def) noexcept : value_(def) {}
	module_param(const module_param &) = delete;
	module_param &operator=(const module_param &) = delete;

	/** The current value (a relaxed atomic read). Any context. */
	[[nodiscard]] bool get() const noexcept { return read_once(value_); }

	/** The kernel_param's arg (the bool); for the registration macros. */
	// SAFETY: param_ops_bool reads and writes arg as a bool *.
	constexpr void *arg() noexcept { return &value_; }

private:
	bool value_;
};

/**
 * A string module parameter in an inline buffer of @p N bytes (at most
 * N - 1 characters; see KSTD_MODULE_PARAM_STRING).  @p Perm is the sysfs
 * permission, which decides whether lock-free view() is available.
 */
template <size_t N, unsigned int Perm>
class module_param_string {
	static_assert(N >= 2 && N <= 1024, "string parameter buffer: 2..1024 bytes");

public:
	/** Initially @p def, which must fit (checked at compile time). */
	template <size_t M>
	constexpr module_param_string(const char (&def)[M]) noexcept : kps_{N, buf_}, buf_{}
	{
		if (M > N)
			detail::module_param_string_default_too_long();
		for (size_t i = 0; i < M && i < N; i++)
			buf_[i] = def[i];
	}
	module_param_string(const module_param_string &) = delete;
	module_param_string &operator=(const module_param_string &) = delete;

	/** The longest value the buffer holds. */
	[[nodiscard]] static constexpr size_t max_size() noexcept { return N - 1; }

	/**
	 * A copy of the current value, taken under the kernel's parameter
	 * lock (serialised against sysfs writes).  May sleep.
	 */
	[[nodiscard]] fixed_string<N - 1> get() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		kstd_param_lock(detail::this_module());
		fixed_string<N - 1> copy{unlocked_view()};
		kstd_param_unlock(detail::this_module());
		return copy;
	}

	/**
	 * The value itself, without a copy or a lock: only for parameters that
	 * sysfs cannot write (no write bit in Perm), which never change after
	 * the module is loaded.  Any context.
	 */
	[[nodiscard]] string_view view() const noexcept requires((Perm & 0222) == 0)
	{
		// SAFETY: without a write bit, only insmod's arguments write
		// buf_, before the module's init runs: nothing writes it now.
		return unlocked_view();
	}

	/** The kernel_param's arg (a struct kparam_string); for the registration macros. */
	// SAFETY: kps_ is a kparam_string_image {N, buf_}: the string ops
	// write at most maxlen (N) bytes, NUL included, into buf_, a char[N].
	constexpr void *arg() noexcept { return &kps_; }

private:
	string_view unlocked_view() const noexcept
	{
		size_t n = 0;
		while (n < N - 1 && buf_[n])
			n++;
		return string_view(buf_, n);
	}

	detail::kparam_string_image kps_;
	char buf_[N];
};

} // namespace kstd

/// @cond INTERNAL
/* The name a parameter is registered under: "port" in a module, "kecho.port" built in. */
#ifdef MODULE
#define KSTD_PARAM_PREFIX_ ""
#else
#define KSTD_PARAM_PREFIX_ KBUILD_MODNAME "."
#endif

/*
 * The C++ type named by @type, where the short names of kstd::param_types
 * (u16, ushort, uint, ...) are in scope.
 */
#define KSTD_PARAM_TYPE_(param_type)                                                               \
	decltype([] {                                                                              \
		using namespace ::kstd::param_types;                                               \
		return ::kstd::detail::type_is<param_type>{};                                      \
	}())::type

/* The struct kernel_param and the .modinfo tags for parameter @name. */
#define KSTD_PARAM_REGISTER_(name, ops, perm, typestr, desc)                                       \
	static_assert(::kstd::detail::valid_param_perm(perm),                                      \
		      "module parameter " #name ": bad permissions (world-writable, or a "         \
		      "group/other bit without the corresponding user bit)");                      \
	static constexpr char kstd_param_name_##name[] = KSTD_PARAM_PREFIX_ #name;                 \
	[[gnu::section("__param"), gnu::used,                                                      \
	  gnu::aligned(alignof(::kstd::detail::kernel_param_image))]] static constinit const ::    \
		kstd::detail::kernel_param_image kstd_param_##name =                               \
			::kstd::detail::make_kernel_param(kstd_param_name_##name, ops, perm,       \
							  name.arg());                             \
	[[gnu::section(".modinfo"), gnu::used,                                                     \
	  gnu::aligned(1)]] static constexpr auto kstd_parmtype_##name =                           \
		::kstd::detail::modinfo_concat(KSTD_MODINFO_PREFIX_ "parmtype=" #name ":",         \
					       typestr);                                           \
	KSTD_MODULE_INFO(parm, #name ":" desc)
/// @endcond

/**
 * A module parameter @p name of type @p type (see the file comment) with
 * default @p def, sysfs permissions @p perm and description @p desc.  The
 * type's whole range is accepted.
 */
#define KSTD_MODULE_PARAM(name, param_type, def, perm, desc)                                       \
	using kstd_param_type_##name = KSTD_PARAM_TYPE_(param_type);                               \
	static constinit ::kstd::module_param<kstd_param_type_##name> name{def};                   \
	KSTD_PARAM_REGISTER_(                                                                      \
		name, ::kstd::detail::param_traits<kstd_param_type_##name>::ops, perm,             \
		::kstd::detail::param_traits<kstd_param_type_##name>::type_name, desc)

/**
 * A numeric module parameter that only accepts values in [@p lo, @p hi]:
 * other values fail with -ERANGE (insmod fails; a sysfs write fails and
 * leaves the value unchanged).
 */
#define KSTD_MODULE_PARAM_RANGE(name, param_type, def, lo, hi, perm, desc)                         \
	using kstd_param_type_##name = KSTD_PARAM_TYPE_(param_type);                               \
	static_assert(!__is_same(kstd_param_type_##name, bool), "a bool has no range");            \
	static constinit ::kstd::module_param<kstd_param_type_##name> name{def, lo, hi};           \
	KSTD_PARAM_REGISTER_(                                                                      \
		name, ::kstd::detail::param_traits<kstd_param_type_##name>::range_ops, perm,       \
		::kstd::detail::param_traits<kstd_param_type_##name>::type_name, desc)

/**
 * A string module parameter in a buffer of @p size bytes (at most size - 1
 * characters; longer values are refused with -ENOSPC), initially @p def.
 * Read it with name.get() (a locked copy, may sleep) or, if @p perm has no
 * write bit, name.view().
 */
#define KSTD_MODULE_PARAM_STRING(name, size, def, perm, desc)                                      \
	static constinit ::kstd::module_param_string<size, perm> name{def};                        \
	KSTD_PARAM_REGISTER_(name, &::kstd_param_ops_string, perm, "string", desc)

#endif // KSTD_PARAM_HPP
