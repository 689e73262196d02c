"""The page cache: whole pages for anonymous readers, dropped the moment they go stale.

How a page knows what it shows: while a cacheable request is rendered, every instance of a
content model that is loaded (``post_init``) adds a tag, ``"studies.document:42"``, to the
request's set; views that list rows they did not reach through a loaded object (the newest
documents, every topic) add ``"list:studies.document"`` with ``shows_lists``. The page is
stored with those tags and the cache clock's value when rendering began.

How a page goes stale: saving, deleting or re-rendering a content object moves the version of
its tag, and of the tags of the rows its foreign keys point at, before and after the change
(so a new entry drops its cell's pages, and a moved one drops both cells'). Creating or
deleting one, or publishing or hiding it, moves its list tag too, and a visibility change
moves the tags of every row that points at it (a document's entries, and through them their
cells). A stored page is served only while every one of its tags is at or below the clock
value it was rendered at; a missing tag (evicted) counts as changed.

Versions come from one counter in the cache (atomic in Redis), read before the page's data
is read, and bumped after the change is committed (and once at once, for the same process
and for tests, whose transactions never commit): a page rendered from data older than a
change can never outlive it.

When the cache cannot be reached (Redis down, hanging, or the breaker in ``ops/redis.py``
open): pages are served uncached, and a change whose pages could not be dropped writes a mark
in the database instead (``PageCacheMark``), in the change's transaction, so the save
succeeds. The number of marks is part of every page's key, and each process reads it at most
a second apart and again after any failure, so pages stored before the mark are never served
again, by any process, once a second has passed. In Redis every key is also under the
server's ``run_id``: a Redis restarted from an old snapshot starts an empty set of pages,
whose invalidations it may have lost.

Never stored: anything but a plain 200 to a GET without a session or message cookie; a
response that set a cookie, used the CSRF token or a CSP nonce, or asked not to be cached;
and the paths in ``PAGE_CACHE_SKIP_PATHS``. So no reader gets another's token or session.
"""

#
# Its parts: ``stores`` (where pages are kept: any Django cache, or Redis directly),
# ``tags`` (what a page shows), ``versions`` (dropping pages: invalidate, marks),
# ``receivers`` (which saves drop which tags), ``release`` (the code a page was rendered
# with) and ``middleware`` (serving and storing pages).
