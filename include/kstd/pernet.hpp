// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file pernet.hpp
 * @brief kstd::pernet_storage<T>: one zero-initialised T in every network
 *        namespace.
 *
 * The kernel's net_generic() storage: a T is allocated, zero-filled, in
 * every namespace that exists when the storage is created and in every one
 * created later, and freed when its namespace exits or when the storage is
 * destroyed.  T must be valid when all its bytes are zero
 * (kstd::zero_bytes_valid: plain structs, kstd::stat_counter and structs of
 * them) and need no destructor; what several contexts update concurrently
 * must be updated atomically (kstd::stat_counter) or under a lock that zero
 * bytes initialise.
 *
 * Lifetime: a namespace's T outlives everything registered after the
 * storage for that namespace, so a kstd::pernet_proc_entry created after
 * the storage may use it from its handler, for the namespace it serves,
 * without further checks.  Declare the storage before such entries.
 *
 * @code
 * struct counters { kstd::stat_counter lines; };
 * // A struct of stat_counters: zero bytes are its initial state.
 * template <> inline constexpr bool kstd::zero_bytes_valid<counters> = true;
 *
 * struct my_module {
 *         kstd::pernet_storage<counters> stats;     // first: outlives file
 *         kstd::pernet_proc_entry file;
 *
 *         kstd::result<void> on_line(::net *net, kstd::string_view)
 *         {
 *                 stats.get(net).lines.add();
 *                 return {};
 *         }
 *         static kstd::result<kstd::unique_ptr<my_module>> create()
 *         {
 *                 auto self = KSTD_TRY(kstd::make_unique<my_module>(kstd::gfp::kernel));
 *                 self->stats = KSTD_TRY(kstd::pernet_storage<counters>::create());
 *                 self->file = KSTD_TRY(kstd::pernet_proc_entry::create("my_file", 0600, *self));
 *                 return self;
 *         }
 * };
 * @endcode
 *
 * Context: create(), reset() and the destructor may sleep; get() is usable
 * in any context.
 */
#ifndef KSTD_PERNET_HPP
#define KSTD_PERNET_HPP

#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/**
 * A T in every network namespace (see the file comment).  Move-only; an
 * empty (default-constructed or moved-from) one must not be read.
 */
template <class T>
class pernet_storage {
	static_assert(zero_bytes_valid<T> && __has_trivial_destructor(T),
		      "pernet_storage<T>: T must be valid as zero bytes (kstd::zero_bytes_valid) "
		      "and need no destructor");

public:
	pernet_storage() noexcept = default;
	/** Take over @p o's registration; @p o is left empty. */
	pernet_storage(pernet_storage &&o) noexcept : s_(exchange(o.s_, nullptr)) {}
	/** Free ours (may sleep), take over @p o's registration. */
	pernet_storage &operator=(pernet_storage &&o) noexcept
	{
		reset();
		s_ = exchange(o.s_, nullptr);
		return *this;
	}
	pernet_storage(const pernet_storage &) = delete;
	pernet_storage &operator=(const pernet_storage &) = delete;
	/** Frees the T of every namespace.  May sleep. */
	~pernet_storage() { reset(); }

	/**
	 * Allocate a zeroed T in every namespace, now and as they are
	 * created.  -ENOMEM, or what register_pernet_subsys() failed with.
	 * May sleep.
	 */
	[[nodiscard]] static result<pernet_storage> create() noexcept
	{
		KSTD_MIGHT_SLEEP();
		::kstd_pernet_storage *s =
			KSTD_TRY(from_err_ptr(kstd_pernet_storage_register(sizeof(T))));
		// SAFETY: s is a new registration (from_err_ptr() turned an error
		// pointer into an error), owned by nothing else; r unregisters it.
		pernet_storage r;
		r.s_ = s;
		return r;
	}

	/**
	 * @p net's T.  @p net must be alive (the caller holds a reference,
	 * or runs in one of its /proc files or pernet callbacks registered
	 * after this storage).  Any context.
	 */
	[[nodiscard]] T &get(const ::net *net) const noexcept
	{
		// SAFETY: the helper returns net's block of sizeof(T) bytes, which
		// the netns core kzalloc()s (zeroed; aligned to 8 bytes at least,
		// enough for a T that is not over-aligned), and T is valid as zero
		// bytes (asserted above); the block lives while net does, which
		// the caller guarantees.
		return *static_cast<T *>(kstd_pernet_storage_get(s_, net));
	}

	/** Is it registered? */
	explicit operator bool() const noexcept { return s_ != nullptr; }
	/** Free now (no-op if empty).  May sleep. */
	void reset() noexcept
	{
		if (s_) { /* empty: nothing to wait for, any context */
			KSTD_MIGHT_SLEEP();
			kstd_pernet_storage_unregister(exchange(s_, nullptr));
		}
	}

private:
	::kstd_pernet_storage *s_ = nullptr;
};

} // namespace kstd

#endif // KSTD_PERNET_HPP
