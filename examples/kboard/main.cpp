// SPDX-License-Identifier: GPL-2.0-only
/*
 * kboard: a kernel message board on /dev/kboard, the showcase of
 * kstd::misc_device (kstd/device.hpp).
 *
 *   - write(2) posts one message (at most KBOARD_POST_MAX bytes; a final
 *     "\n" is dropped): EMSGSIZE if longer, EINVAL if empty;
 *   - read(2) returns the posts this open file has not read yet, oldest
 *     first, each followed by "\n", at most one post per call; a buffer
 *     shorter than a post gets the post's first bytes and the next read
 *     the rest.  Without O_NONBLOCK it sleeps until a post arrives
 *     (EAGAIN with O_NONBLOCK);
 *   - poll(2): readable when this file has something unread;
 *   - ioctl KBOARD_STATS: the counters (struct kboard_stats);
 *     ioctl KBOARD_CLEAR: drop every post, only with CAP_SYS_ADMIN (EPERM
 *     otherwise).
 *
 * The node is mode 0666: anyone may post and read; clearing is the one
 * privileged action, checked with kstd::capable() in the handler.  The
 * board keeps the last `posts` posts (parameter, default 16); a reader that
 * falls behind skips what was dropped.  An open file pins the module.
 */
#include <kstd/atomic.hpp>
#include <kstd/device.hpp>
#include <kstd/lock.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/string.hpp>
#include <kstd/wait.hpp>

#include "kboard_uapi.h"

KSTD_MODULE_PARAM_RANGE(posts, int, 16, 1, 1024, 0444, "how many posts the board keeps");

namespace {

constexpr auto ioc_stats = kstd::ioctl::ior<kboard_stats>(KBOARD_IOC_TYPE, KBOARD_IOC_STATS);
constexpr unsigned int ioc_clear = kstd::ioctl::io(KBOARD_IOC_TYPE, KBOARD_IOC_CLEAR);

using post = kstd::fixed_string<KBOARD_POST_MAX>;

/* The board: a ring of the last `posts` posts, numbered from 0 on. */
class board {
public:
	static kstd::result<kstd::unique_ptr<board>> create(int capacity) noexcept
	{
		auto b = KSTD_TRY(kstd::make_unique<board>(kstd::gfp::kernel));
		b->ring_ = KSTD_TRY(kstd::make_unique<post[]>(kstd::gfp::kernel,
							      static_cast<kstd::size_t>(capacity)));
		b->cap_ = static_cast<kstd::u64>(capacity);
		return b;
	}

	/* Add a post, wake readers.  Any process context. */
	void add(const post &p) noexcept
	{
		{
			auto g = lock_.lock();
			ring_[next_ % cap_].assign(p);
			next_++;
			total_++;
		}
		readers_.wake_up_all();
	}
	/*
	 * Copy post number *seq (or the oldest one still held after it, which
	 * updates *seq) into @p out: false if there is none yet.
	 */
	bool get(kstd::u64 &seq, post &out) noexcept
	{
		auto g = lock_.lock();
		seq = kstd::max(seq, oldest());
		if (seq >= next_)
			return false;
		out.assign(ring_[seq % cap_]);
		return true;
	}
	bool has_after(kstd::u64 seq) noexcept
	{
		auto g = lock_.lock();
		return kstd::max(seq, oldest()) < next_;
	}
	void clear() noexcept
	{
		auto g = lock_.lock();
		first_ = next_;
		clears_++;
	}
	kstd::u64 next() noexcept
	{
		auto g = lock_.lock();
		return next_;
	}
	kboard_stats stats() noexcept
	{
		kboard_stats s{}; /* zeroed: no padding bytes reach user space */
		auto g = lock_.lock();
		s.posts_total = total_;
		s.posts_held = static_cast<unsigned int>(next_ - oldest());
		s.readers = static_cast<unsigned int>(readers_open.load_relaxed());
		s.clears = clears_;
		return s;
	}

	kstd::wait_queue readers_{"kboard.readers"};
	kstd::atomic<int> readers_open{0};

private:
	kstd::u64 oldest() const noexcept
	{
		kstd::u64 o = next_ > cap_ ? next_ - cap_ : 0;
		return kstd::max(o, first_);
	}

	kstd::spinlock lock_{"kboard.lock"}; /* everything below */
	kstd::unique_ptr<post[]> ring_;
	kstd::u64 cap_ = 0;
	kstd::u64 next_ = 0;  /* number of the next post */
	kstd::u64 first_ = 0; /* nothing before this survives a clear */
	kstd::u64 total_ = 0;
	kstd::u64 clears_ = 0;
};

/* One open file of /dev/kboard: where it is in the board. */
class reader {
public:
	/* Process context, under misc_mtx: no sleeping beyond the allocation. */
	static kstd::result<kstd::unique_ptr<reader>> open(board &b,
							   const kstd::open_info &) noexcept
	{
		/* New readers start at the oldest post still held. */
		auto r = KSTD_TRY(kstd::make_unique<reader>(kstd::gfp::kernel_account, b));
		(void)b.readers_open.fetch_add(1);
		return r;
	}
	explicit reader(board &b) noexcept : b_(b) {}
	~reader() { (void)b_.readers_open.fetch_sub(1); }
	reader(const reader &) = delete;
	reader &operator=(const reader &) = delete;

	/* read(2): one post (or the rest of one) per call.  May sleep. */
	kstd::result<kstd::size_t> read(kstd::user_writer &out, kstd::io_request &io) noexcept
	{
		post p;
		while (!b_.get(seq_, p)) {
			if (io.nonblocking)
				return kstd::error::again();
			KSTD_TRY(
				b_.readers_.wait_interruptible([&] { return b_.has_after(seq_); }));
		}
		if (done_ > p.size()) /* cleared and replaced meanwhile */
			done_ = 0;
		/* The post and its newline, from where the last short read stopped. */
		kstd::fixed_string<KBOARD_POST_MAX + 1> line(p.view());
		line.push_back('\n');
		kstd::size_t n = KSTD_TRY(out.write_some(line.view().substr(done_)));
		done_ += n;
		if (done_ == line.size()) {
			seq_++;
			done_ = 0;
		}
		return n;
	}

	/* write(2): one post.  May sleep. */
	kstd::result<kstd::size_t> write(kstd::user_reader &in, kstd::io_request &) noexcept
	{
		kstd::size_t len = in.remaining();
		/* One byte more than a post may have: room for its newline. */
		kstd::fixed_string<KBOARD_POST_MAX + 1> text;
		KSTD_TRY(in.read_string(text));
		kstd::string_view v = text.view();
		if (!in.empty() || (v.size() > KBOARD_POST_MAX && v[KBOARD_POST_MAX] != '\n'))
			return kstd::error::msgsize();
		if (!v.empty() && v[v.size() - 1] == '\n')
			v = v.substr(0, v.size() - 1);
		if (v.empty())
			return kstd::error::inval();
		b_.add(post(v));
		return len;
	}

	/* poll(2): readable when something is unread. */
	unsigned int poll(kstd::poll_table &pt) noexcept
	{
		pt.wait(b_.readers_);
		unsigned int mask = KSTD_POLLOUT | KSTD_POLLWRNORM;
		if (done_ || b_.has_after(seq_))
			mask |= KSTD_POLLIN | KSTD_POLLRDNORM;
		return mask;
	}

	/* ioctl(2): KBOARD_STATS, KBOARD_CLEAR (CAP_SYS_ADMIN).  May sleep. */
	kstd::result<long> ioctl(kstd::ioctl_arg &arg) noexcept
	{
		switch (arg.cmd()) {
		case ioc_stats:
			KSTD_TRY(arg.put(ioc_stats, b_.stats()));
			return 0;
		case ioc_clear:
			if (!kstd::capable(KSTD_CAP_SYS_ADMIN))
				return kstd::error::perm();
			b_.clear();
			return 0;
		default:
			return kstd::error::notty();
		}
	}

private:
	board &b_;
	kstd::u64 seq_ = 0;	/* the next post to read */
	kstd::size_t done_ = 0; /* bytes of it already read */
};

/* The module: the board, then its device (removed first). */
struct kboard_module {
	kstd::unique_ptr<board> b;
	kstd::misc_device<reader> dev;

	static kstd::result<kstd::unique_ptr<kboard_module>> create() noexcept
	{
		auto self = KSTD_TRY(kstd::make_unique<kboard_module>(kstd::gfp::kernel));
		self->b = KSTD_TRY(board::create(posts.get()));
		self->dev = KSTD_TRY(kstd::misc_device<reader>::create("kboard", 0666, *self->b));
		kstd_pr_info("/dev/kboard ready (10:%d), keeping %d posts\n", self->dev.minor(),
			     posts.get());
		return self;
	}
};

} // namespace

KSTD_MODULE(kboard_module);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("A message board on /dev/kboard (kstd::misc_device showcase)");
