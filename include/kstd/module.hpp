// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file module.hpp
 * @brief Module entry and exit in C++, and .modinfo tags.
 *
 * A module's state is one object: KSTD_MODULE(T) calls `T::create()` at
 * load time and destroys the object at unload, so the teardown order is
 * simply T's member order in reverse.  An error from create() becomes the
 * errno that insmod reports, and nothing is left behind.
 *
 * @code
 * #include <kstd/module.hpp>
 *
 * struct hello {
 *         static kstd::result<kstd::unique_ptr<hello>> create()
 *         {
 *                 kstd_pr_info("hello\n");
 *                 return kstd::make_unique<hello>(kstd::gfp::kernel);
 *         }
 *         ~hello() { kstd_pr_info("bye\n"); }
 * };
 *
 * KSTD_MODULE(hello);
 * KSTD_MODULE_LICENSE("GPL");
 * KSTD_MODULE_DESCRIPTION("A first kstd module");
 * @endcode
 *
 * Context: create() runs in process context from init_module() and may
 * sleep; the destructor runs from delete_module() and may sleep.
 */
#ifndef KSTD_MODULE_HPP
#define KSTD_MODULE_HPP

#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>

namespace kstd::detail {
/*
 * The module's state.  A plain pointer: namespace-scope objects with
 * constructors or destructors never run in the kernel (the build rejects
 * them), so this must be constant-initialised.
 */
template <class T>
inline T *module_instance = nullptr;

template <class T>
int module_init() noexcept
{
	result<unique_ptr<T>> r = T::create();
	if (!r) {
		kstd_pr_err("initialisation failed: %d\n", r.error().to_errno());
		return r.error().to_errno();
	}
	// SAFETY: the kernel calls module_exit() once, after a successful
	// init only: it adopts this pointer back and frees it.
	module_instance<T> = move(r).value().release();
	return 0;
}

template <class T>
void module_exit() noexcept
{
	// SAFETY: module_init() released a make_unique()d T into
	// module_instance; nothing else frees it, and exchange() empties it.
	unique_ptr<T> owned(exchange(module_instance<T>, nullptr));
}
} // namespace kstd::detail

/**
 * Make @p T the module: `T::create()` must return
 * `kstd::result<kstd::unique_ptr<T>>`.  Use once per module.
 */
#define KSTD_MODULE(T)                                                                             \
	extern "C" int kstd_module_init(void) noexcept                                             \
	{                                                                                          \
		return ::kstd::detail::module_init<T>();                                           \
	}                                                                                          \
	extern "C" void kstd_module_exit(void) noexcept                                            \
	{                                                                                          \
		::kstd::detail::module_exit<T>();                                                  \
	}                                                                                          \
	static_assert(true, "")

/// @cond INTERNAL
#define KSTD_CONCAT2_(a, b) a##b
#define KSTD_CONCAT_(a, b) KSTD_CONCAT2_(a, b)

#ifdef MODULE
#define KSTD_MODINFO_PREFIX_ ""
#else
#define KSTD_MODINFO_PREFIX_ KBUILD_MODNAME "."
#endif
/// @endcond

/**
 * MODULE_INFO(): a "tag=value" string in .modinfo, as the kernel emits it
 * (built-in code prefixes the module name).  Namespace scope.
 */
#define KSTD_MODULE_INFO(tag, info)                                                                \
	[[gnu::section(".modinfo"), gnu::used, gnu::aligned(1)]] static const char KSTD_CONCAT_(   \
		kstd_modinfo_, __COUNTER__)[] = KSTD_MODINFO_PREFIX_ #tag "=" info

/** MODULE_LICENSE(): must be GPL-compatible, kstd itself is GPL-2.0. */
#define KSTD_MODULE_LICENSE(l) KSTD_MODULE_INFO(license, l)
/** MODULE_AUTHOR(). */
#define KSTD_MODULE_AUTHOR(a) KSTD_MODULE_INFO(author, a)
/** MODULE_DESCRIPTION(): what modinfo shows. */
#define KSTD_MODULE_DESCRIPTION(d) KSTD_MODULE_INFO(description, d)
/** MODULE_VERSION(). */
#define KSTD_MODULE_VERSION(v) KSTD_MODULE_INFO(version, v)

#endif // KSTD_MODULE_HPP
